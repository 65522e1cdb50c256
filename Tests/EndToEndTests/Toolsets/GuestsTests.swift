import MCP
import Testing

@Suite struct GuestsTests {
    static let rows: [GoldenRow] = [
        GoldenRow("proxmox_vm_list", [:], both: ["pvesh get /cluster/resources --type vm --output-format json"]),
        GoldenRow("proxmox_ct_list", ["node": "pve2"], cli: ["pct list"], api: ["pvesh get /cluster/resources --type vm --output-format json"]),
        GoldenRow("proxmox_vm_list", ["node": "pve1", "status": "running"], cli: ["qm list"], api: ["pvesh get /cluster/resources --type vm --output-format json"]),
        GoldenRow("proxmox_vm_start", ["vmid": 102], cli: ["qm start 102"], api: ["pvesh create /nodes/pve2/qemu/102/status/start --output-format json"]),
        GoldenRow("proxmox_vm_stop", ["vmid": 100], cli: ["qm stop 100"], api: ["pvesh create /nodes/pve1/qemu/100/status/stop --output-format json"]),
        GoldenRow("proxmox_vm_restart", ["vmid": 100], cli: ["qm reboot 100"], api: ["pvesh create /nodes/pve1/qemu/100/status/reboot --output-format json"]),
        GoldenRow("proxmox_vm_shutdown", ["vmid": 101], cli: ["qm shutdown 101"], api: ["pvesh create /nodes/pve1/qemu/101/status/shutdown --output-format json"]),
        GoldenRow("proxmox_vm_create", ["vmid": 300, "name": "new-vm", "memory": 4096, "cores": 4, "disk_size": 20, "iso": "local:iso/debian-12.8.0-amd64-netinst.iso"],
                  cli: ["qm create 300 --name new-vm --memory 4096 --cores 4 --sockets 1 --scsihw virtio-scsi-single --scsi0 local-lvm:20 --net0 'virtio,bridge=vmbr0' --ostype l26 --ide2 'local:iso/debian-12.8.0-amd64-netinst.iso,media=cdrom'"],
                  api: ["pvesh create /nodes/pve1/qemu --vmid 300 --name new-vm --memory 4096 --cores 4 --sockets 1 --scsihw virtio-scsi-single --scsi0 local-lvm:20 --net0 'virtio,bridge=vmbr0' --ostype l26 --ide2 'local:iso/debian-12.8.0-amd64-netinst.iso,media=cdrom' --output-format json"]),
        GoldenRow("proxmox_vm_create", ["vmid": 301, "name": "from-template", "template": 9000, "full": true],
                  cli: ["qm clone 9000 301 --name from-template --full 1"],
                  api: ["pvesh create /nodes/pve1/qemu/9000/clone --newid 301 --name from-template --full 1 --output-format json"]),
        GoldenRow("proxmox_vm_delete", ["vmid": 102, "confirm": true, "purge": true],
                  cli: ["qm destroy 102 --purge 1"], api: ["pvesh delete /nodes/pve2/qemu/102 --purge 1 --output-format json"]),
        GoldenRow("proxmox_vm_clone", ["vmid": 100, "newid": 310, "name": "web02", "full": true, "target_node": "pve2", "target_storage": "local-lvm"],
                  cli: ["qm clone 100 310 --name web02 --full 1 --target pve2 --storage local-lvm"],
                  api: ["pvesh create /nodes/pve1/qemu/100/clone --newid 310 --name web02 --full 1 --target pve2 --storage local-lvm --output-format json"]),
        GoldenRow("proxmox_ct_start", ["vmid": 203], cli: ["pct start 203"], api: ["pvesh create /nodes/pve1/lxc/203/status/start --output-format json"]),
        GoldenRow("proxmox_ct_stop", ["vmid": 200], cli: ["pct stop 200"], api: ["pvesh create /nodes/pve1/lxc/200/status/stop --output-format json"]),
        GoldenRow("proxmox_ct_restart", ["vmid": 201], cli: ["pct reboot 201"], api: ["pvesh create /nodes/pve2/lxc/201/status/reboot --output-format json"]),
        GoldenRow("proxmox_ct_create", ["vmid": 320, "hostname": "ct-new", "ostemplate": "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", "password": "s3cret!pw", "memory": 1024],
                  cli: ["pct create 320 local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst --hostname ct-new --cores 1 --memory 1024 --swap 512 --rootfs local-lvm:8 --net0 'name=eth0,bridge=vmbr0,ip=dhcp' --password '<redacted>' --unprivileged 1"],
                  api: ["pvesh create /nodes/pve1/lxc --vmid 320 --ostemplate local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst --hostname ct-new --cores 1 --memory 1024 --swap 512 --rootfs local-lvm:8 --net0 'name=eth0,bridge=vmbr0,ip=dhcp' --password '<redacted>' --unprivileged 1 --output-format json"]),
        GoldenRow("proxmox_ct_delete", ["vmid": 203, "confirm": true], cli: ["pct destroy 203"], api: ["pvesh delete /nodes/pve1/lxc/203 --output-format json"]),
        GoldenRow("proxmox_ct_clone", ["vmid": 203, "newid": 330, "name": "mon2"],
                  cli: ["pct clone 203 330 --hostname mon2"], api: ["pvesh create /nodes/pve1/lxc/203/clone --newid 330 --hostname mon2 --output-format json"]),
    ]

    @Test(arguments: rows) func bothTransports(_ row: GoldenRow) async { await Golden.check(row) }
}
