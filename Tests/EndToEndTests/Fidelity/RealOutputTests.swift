import Foundation
import MCP
import ProxmoxCore
import Testing
import TestSupport

/// Every real output in `Fixtures/real/` through the tool that runs its command. The expected
/// values were read off the raw files (see SOURCES.md there), not from what a parser produced.
@Suite struct RealOutputTests {
    static func pvesh(_ path: String, _ options: [String]) -> [String] { ["pvesh", "get", path] + options + ["--output-format", "json"] }

    static let listings: [RealOutput] = [
        // /cluster/resources --type vm: four VMs of a four-node PVE 8 cluster, a template among them.
        RealOutput(fixture: "go-proxmox/pvesh-get-cluster-resources-type-vm.pve8.json", tool: "proxmox_vm_list", arguments: [:],
                   argv: pvesh("/cluster/resources", ["--type", "vm"]), cluster: .on("node1"),
                   expect: ["vms.#": 4, "total": 4, "vms.0.vmid": 100, "vms.0.name": "server1", "vms.0.node": "node2", "vms.0.status": "running",
                            "vms.0.maxcpu": 1, "vms.0.mem": 842_551_296, "vms.0.maxmem": 1_073_741_824, "vms.0.maxdisk": 34_359_738_368,
                            "vms.0.uptime": 874_350, "vms.0.cpu": 0.0249060195469461, "vms.0.template": false,
                            "vms.0.netin": 2_456_116_121, "vms.0.diskwrite": 6_059_209_728, "vms.0.id": "qemu/100",
                            "vms.1.template": true, "vms.1.name": "leap154", "vms.2.tags": ["go-proxmox+cloud-init"], "vms.3.name": "VM 200"]),
        // The same endpoint from a single-node PVE 8.1 host: semicolon tags, a template.
        RealOutput(fixture: "packer-plugin-proxmox/pvesh-get-cluster-resources-type-vm.pve8.json", tool: "proxmox_vm_list",
                   arguments: ["template": false], argv: pvesh("/cluster/resources", ["--type", "vm"]), cluster: .on("pve"),
                   expect: ["vms.#": 2, "total": 2, "vms.0.name": "first-vm", "vms.0.tags": [], "vms.1.vmid": 101, "vms.1.tags": ["blue", "red"],
                            "vms.1.status": "stopped", "vms.1.maxmem": 2_147_483_648]),
        RealOutput(fixture: "packer-plugin-proxmox/pvesh-get-cluster-resources-type-vm.pve8.json", tool: "proxmox_vm_list",
                   arguments: ["tag": "BLUE", "template": true], argv: pvesh("/cluster/resources", ["--type", "vm"]), cluster: .on("pve"),
                   expect: ["vms.#": 1, "vms.0.vmid": 102, "vms.0.name": "template-three", "vms.0.template": true, "vms.0.tags": ["blue"]]),
        // /nodes of the same PVE 8 cluster and of a standalone PVE 8.4 host (level "p": a subscription).
        RealOutput(fixture: "go-proxmox/pvesh-get-nodes.pve8.json", tool: "proxmox_node_list", arguments: [:],
                   argv: pvesh("/nodes", []), cluster: .on("node1"),
                   expect: ["nodes.#": 4, "nodes.0.node": "node1", "nodes.0.maxcpu": 12, "nodes.0.mem": 11_508_809_728, "nodes.0.uptime": 2_236_708,
                            "nodes.0.ssl_fingerprint": "80:D4:F2:DF:64:95:CD:8D:A0:82:82:AC:48:BA:C0:7A:1B:6B:87:8B:FE:B9:83:1C:95:4E:79:58:77:99:69:F5",
                            "nodes.3.node": "node4", "nodes.3.maxmem": 65_919_561_728, "nodes.3.cpu": 0.00748876684972541]),
        RealOutput(fixture: "unattributed/k3s-checklist/pvesh-get-nodes.pve8.json", tool: "proxmox_node_list", arguments: [:],
                   argv: pvesh("/nodes", []), cluster: .on("proxmox"),
                   expect: ["nodes.#": 1, "nodes.0.node": "proxmox", "nodes.0.level": "p", "nodes.0.maxdisk": 13_471_539_200, "nodes.0.status": "online",
                            "nodes.0.cpu": 0.00286640079760718]),
        // /cluster/status: a four-node quorate cluster, and a standalone PVE 6 node (no cluster entry).
        RealOutput(fixture: "go-proxmox/pvesh-get-cluster-status.pve8.json", tool: "proxmox_cluster_status", arguments: [:],
                   argv: pvesh("/cluster/status", []), cluster: .on("node1"),
                   expect: ["cluster.name": "clustername", "cluster.quorate": true, "cluster.nodes.#": 4, "cluster.nodes.0.name": "node2",
                            "cluster.nodes.0.local": false, "cluster.nodes.0.ip": "192.168.1.2", "cluster.nodes.0.nodeid": 2,
                            "cluster.nodes.2.name": "node1", "cluster.nodes.2.local": true, "cluster.nodes.3.name": "node4", "cluster.nodes.3.level": ""]),
        RealOutput(fixture: "fog-proxmox/pvesh-get-cluster-status.standalone.pve6.json", tool: "proxmox_cluster_status", arguments: [:],
                   argv: pvesh("/cluster/status", []), cluster: .on("pve"),
                   expect: ["cluster.quorate": true, "cluster.nodes.#": 1, "cluster.nodes.0.name": "pve", "cluster.nodes.0.nodeid": 0,
                            "cluster.nodes.0.ip": "192.168.56.101", "cluster.nodes.0.online": true, "cluster.nodes.0.id": "node/pve"]),
        // /nodes/{node}/storage: dir + nfs (PVE 8, used_fraction), dir + lvmthin (PVE 5).
        RealOutput(fixture: "home-assistant/pvesh-get-nodes-NODE-storage.pve8.json", tool: "proxmox_storage_list", arguments: ["node": "pve1"],
                   argv: pvesh("/nodes/pve1/storage", []), cluster: .on("pve1"),
                   expect: ["storage.#": 2, "storage.0.storage": "local", "storage.0.type": "dir", "storage.0.used": 85_734_563_840,
                            "storage.0.total": 100_861_726_720, "storage.0.available": 9_956_425_728, "storage.0.used_fraction": 0.85,
                            "storage.1.storage": "synology", "storage.1.type": "nfs", "storage.1.shared": true, "storage.1.content": ["backup", "images"],
                            "storage.1.enabled": true]),
        RealOutput(fixture: "fog-proxmox/pvesh-get-nodes-pve-storage.pve5.json", tool: "proxmox_storage_list", arguments: ["node": "pve"],
                   argv: pvesh("/nodes/pve/storage", []), cluster: .on("pve"),
                   expect: ["storage.#": 2, "storage.1.storage": "local-lvm", "storage.1.type": "lvmthin", "storage.1.used": 0,
                            "storage.1.available": 4_290_772_992, "storage.1.content": ["rootdir", "images"], "storage.0.active": true]),
        // A container's addresses (PVE 9).
        RealOutput(fixture: "go-proxmox/pvesh-get-lxc-101-interfaces.pve9.json", tool: "proxmox_ct_interfaces", arguments: ["vmid": 101],
                   argv: pvesh("/nodes/node1/lxc/101/interfaces", []), cluster: .on("node1", (101, .lxc)),
                   expect: ["interfaces.#": 2, "interfaces.1.name": "eth0", "interfaces.1.mac": "bc:24:11:89:67:07",
                            "interfaces.1.addresses.0.address": "192.168.3.95", "interfaces.1.addresses.0.prefix": 22,
                            "interfaces.1.addresses.1.address": "fe80::be24:11ff:fe89:6707", "interfaces.0.name": "lo"]),
    ]

    @Test(arguments: listings) func listing(_ case_: RealOutput) async throws { try await RealOutputReplay.check(case_) }

    static func status(_ upid: String) -> [String] { pvesh("/nodes/\(upid.split(separator: ":")[1])/tasks/\(upid)/status", []) }
    static func log(_ upid: String, limit: Int = 5000) -> [String] {
        pvesh("/nodes/\(upid.split(separator: ":")[1])/tasks/\(upid)/log", ["--start", "0", "--limit", String(limit)])
    }
    static let fog = "fog-proxmox/"
    static let qmdestroy = "UPID:pve:00001099:0002486D:5C9B88D0:qmdestroy:100:root@pam:"
    static let vzdump = "UPID:pve:00000838:00005F93:5C9B9102:vzdump:100:root@pam:"

    static let tasks: [RealOutput] = [
        // A node's task list, PVE 6.4: a failed network reload among two that worked.
        RealOutput(fixture: "ansible-community-general/pvesh-get-nodes-NODE-tasks.pve6.json", tool: "proxmox_task_list",
                   arguments: ["node": "iaclab-01-01"], argv: pvesh("/nodes/iaclab-01-01/tasks", ["--limit", "50", "--start", "0", "--source", "all"]),
                   cluster: .on("iaclab-01-01"),
                   expect: ["tasks.#": 3, "failed": 1, "tasks.0.type": "srvreload", "tasks.0.id": "networking", "tasks.0.starttime": 1_629_092_709,
                            "tasks.0.endtime": 1_629_092_710, "tasks.0.duration": 1, "tasks.0.exitstatus": "OK", "tasks.0.failed": false,
                            "tasks.0.pid": 3539, "tasks.0.pstart": 474_062_216,
                            "tasks.1.exitstatus": "command 'ifreload -a' failed: exit code 1", "tasks.1.failed": true, "tasks.1.status": "stopped",
                            "tasks.1.upid": "UPID:iaclab-01-01:000029DD:1599528B:6108F068:srvreload:networking:root@pam:"]),
        // PVE 5: fourteen tasks, two failed (an interrupted apt update, a download with an empty reason).
        RealOutput(fixture: fog + "pvesh-get-nodes-pve-tasks.pve5.json", tool: "proxmox_task_list", arguments: ["node": "pve"],
                   argv: pvesh("/nodes/pve/tasks", ["--limit", "50", "--start", "0", "--source", "all"]), cluster: .on("pve"),
                   expect: ["tasks.#": 14, "failed": 2, "tasks.0.type": "qmdestroy", "tasks.0.id": "100", "tasks.9.type": "aptupdate",
                            "tasks.9.id": "", "tasks.9.exitstatus": "command 'apt-get update' failed: received interrupt", "tasks.12.exitstatus": "download failed - ",
                            "tasks.12.failed": true, "tasks.13.type": "startall", "tasks.13.user": "root@pam"]),
        // PVE 9: one backup job of several guests (empty id).
        RealOutput(fixture: "home-assistant/pvesh-get-nodes-NODE-tasks.pve9.json", tool: "proxmox_task_list", arguments: ["node": "pve1"],
                   argv: pvesh("/nodes/pve1/tasks", ["--limit", "50", "--start", "0", "--source", "all"]), cluster: .on("pve1"),
                   expect: ["tasks.#": 1, "failed": 0, "tasks.0.type": "vzdump", "tasks.0.id": "", "tasks.0.duration": 433, "tasks.0.pid": 2_146_406]),
        // A finished task, as one capture: its one-line log settles it (task_status reads the log first) ...
        RealOutput(fixture: fog + "pvesh-get-tasks-qmdestroy-log.pve5.json", tool: "proxmox_task_status", arguments: ["upid": .string(qmdestroy)],
                   argv: log(qmdestroy), cluster: .on("pve"),
                   expect: ["status": "stopped", "exitstatus": "OK", "succeeded": true, "log": ["TASK OK"], "type": "qmdestroy", "id": "100",
                            "starttime": 1_553_696_976],
                   also: [(status(qmdestroy), fog + "pvesh-get-tasks-qmdestroy-status.pve5.json")]),
        // ... and its status endpoint says the same (read through the API tool).
        RealOutput(fixture: fog + "pvesh-get-tasks-qmdestroy-status.pve5.json", tool: "proxmox_api_get",
                   arguments: ["path": .string("/nodes/pve/tasks/\(qmdestroy)/status")], argv: status(qmdestroy), cluster: .on("pve"),
                   expect: ["result.status": "stopped", "result.exitstatus": "OK", "result.type": "qmdestroy", "result.id": "100"]),
        // A backup while it runs: status running, its log so far (ten lines, no end line yet).
        RealOutput(fixture: fog + "pvesh-get-tasks-vzdump-status.running.pve5.json", tool: "proxmox_task_status",
                   arguments: ["upid": .string(vzdump), "lines": 2], argv: status(vzdump), cluster: .on("pve"),
                   expect: ["status": "running", "succeeded": false, "type": "vzdump",
                            "log": ["INFO: starting template backup",
                                    "INFO: /usr/bin/vma create -v -c /var/lib/vz/dump/vzdump-qemu-100-2019_03_27-16_04_34.tmp/qemu-server.conf exec:lzop > /var/lib/vz/dump/vzdump-qemu-100-2019_03_27-16_04_34.vma.dat"]],
                   also: [(log(vzdump), fog + "pvesh-get-tasks-vzdump-log.running.pve5.json")]),
        // The log of a finished container backup, a page of it.
        RealOutput(fixture: fog + "pvesh-get-tasks-vzdump-lxc-log.ok.pve5.json", tool: "proxmox_task_log",
                   arguments: ["upid": "UPID:pve:000013DC:00018DB6:5C9B9407:vzdump:100:root@pam:"],
                   argv: log("UPID:pve:000013DC:00018DB6:5C9B9407:vzdump:100:root@pam:", limit: 500), cluster: .on("pve"),
                   expect: ["lines.#": 12, "more": false, "lines.0.n": 1, "lines.6.t": "INFO: creating archive '/var/lib/vz/dump/vzdump-lxc-100-2019_03_27-16_17_27.tar.lzo'",
                            "lines.11.t": "TASK OK", "lines.11.n": 12]),
        // PVE 7.4: a start that ended with a warning (no EFI disk), the UPID the user quoted.
        RealOutput(fixture: "bpg-terraform-provider-proxmox/pvesh-get-tasks-qmstart-log.warnings.pve7.json", tool: "proxmox_task_log",
                   arguments: ["upid": "UPID:myhost:00000000:00000000:00000000:qmstart:1000:me@domain:"],
                   argv: log("UPID:myhost:00000000:00000000:00000000:qmstart:1000:me@domain:", limit: 500), cluster: .on("myhost"),
                   expect: ["lines.#": 3, "lines.1.t": "WARN: no efidisk configured! Using temporary efivars disk.", "lines.2.t": "TASK WARNINGS: 1",
                            "type": "qmstart", "id": "1000", "user": "me@domain"]),
        // A start that failed in QEMU (pimox7, PVE 7 on arm64); the UPID is made up, the log is not.
        RealOutput(fixture: "pimox7/pvesh-get-tasks-qmstart-log.error.pve7.json", tool: "proxmox_task_log",
                   arguments: ["upid": "UPID:pi:0000A1B2:0001C3D4:65600000:qmstart:100:root@pam:"],
                   argv: log("UPID:pi:0000A1B2:0001C3D4:65600000:qmstart:100:root@pam:", limit: 500), cluster: .on("pi"),
                   expect: ["lines.#": 2, "lines.0.t": "kvm: -device nec-usb-xhci,id=xhci,bus=pcie.1,addr=0x1b: Bus 'pcie.1' not found",
                            "lines.1.t": "TASK ERROR: start failed: QEMU exited with code 1"]),
    ]

    @Test(arguments: tasks) func task(_ case_: RealOutput) async throws { try await RealOutputReplay.check(case_) }

    static let cli: [String: Value] = ["transport": "cli"]

    static let guests: [RealOutput] = [
        // Configs as pvesh prints them (PVE 8.1): numbers for numbers, memory as a string, a template.
        RealOutput(fixture: "packer-plugin-proxmox/pvesh-get-qemu-100-config.pve8.json", tool: "proxmox_vm_config_get",
                   arguments: ["vmid": 100, "transport": "api"], argv: pvesh("/nodes/pve/qemu/100/config", []), cluster: .on("pve", (100, .qemu)),
                   expect: ["config.cores": "1", "config.memory": "2048", "config.numa": "0", "config.cpu": "x86-64-v2-AES",
                            "config.net0": "virtio=BC:24:11:30:AD:93,bridge=vmbr0,firewall=1", "config.meta": "creation-qemu=8.1.5,ctime=1729285344",
                            "digest": "1ac0a42d3ead982a5631ee77a9444b44e5ff5456", "disks.#": 1, "disks.0.key": "scsi0",
                            "disks.0.volume": "local-lvm:vm-100-disk-0", "disks.0.size": "32G"]),
        RealOutput(fixture: "packer-plugin-proxmox/pvesh-get-qemu-101-config.pve8.json", tool: "proxmox_vm_config_get",
                   arguments: ["vmid": 101, "transport": "api"], argv: pvesh("/nodes/pve/qemu/101/config", []), cluster: .on("pve", (101, .qemu)),
                   expect: ["config.tags": "blue;red", "config.name": "second-vm", "config.scsihw": "virtio-scsi-single",
                            "digest": "a3a5061cd0f35f0aa14fd98b20095963d53cd225"]),
        RealOutput(fixture: "packer-plugin-proxmox/pvesh-get-qemu-102-config.pve8.json", tool: "proxmox_vm_config_get",
                   arguments: ["vmid": 102, "transport": "api"], argv: pvesh("/nodes/pve/qemu/102/config", []), cluster: .on("pve", (102, .qemu)),
                   expect: ["config.template": "1", "disks.0.volume": "local-lvm:base-102-disk-0", "config.boot": "order=scsi0;ide2;net0"]),
        // A container's config (PVE 7, json-pretty as printed) with raw lxc.* device lines and a bind mount.
        RealOutput(fixture: "go-proxmox/pvesh-get-lxc-101-config.pve7.json-pretty.txt", tool: "proxmox_ct_config_get",
                   arguments: ["vmid": 101, "transport": "api"], argv: pvesh("/nodes/node1/lxc/101/config", []), cluster: .on("node1", (101, .lxc)),
                   expect: ["config.hostname": "test-container", "config.memory": "4096", "config.swap": "512", "config.features": "fuse=1,mknod=1,nesting=1",
                            "config.lxc.cgroup2.devices.allow": "c 226:0 rwm\nc 226:128 rwm\nc 29:0 rwm",
                            "config.lxc.mount.entry": "/dev/dri dev/dri none bind,optional,create=dir\n/dev/fb0 dev/fb0 none bind,optional,create=file",
                            "digest": "5911baea29f4c0073fb063fd9ab29e75892832bf", "disks.#": 2, "disks.1.key": "rootfs",
                            "disks.1.volume": "vmstore:subvol-101-disk-0", "disks.1.size": "30G", "disks.0.volume": "/mnt/foo/bar"]),
        // `qm config` text (PVE 9.1: QEMU 10.1): a long description, onboot, a discard+iothread disk.
        RealOutput(fixture: "edge-queue-controller/qm-config-200.pve9.txt", tool: "proxmox_vm_config_get", arguments: ["vmid": 200].merging(cli) { $1 },
                   argv: ["qm", "config", "200"], cluster: .on("pvew", (200, .qemu)),
                   expect: ["config.agent": "enabled=1", "config.cpu": "host", "config.onboot": "1", "config.meta": "creation-qemu=10.1.2,ctime=1781723019",
                            "config.description": "AI Platform Control website-edge VM. Created stopped in Phase 14J-EW retry after approved pvecm expected 1. No Cloudflare cutover. No controller/queue migration. No worker/runtime activation.",
                            "disks.#": 1, "disks.0.key": "scsi0", "disks.0.volume": "local-lvm:vm-200-disk-0", "disks.0.size": "20G", "transport": "cli"]),
        RealOutput(fixture: "../samples/qm-config.anonymized.txt", tool: "proxmox_vm_config_get", arguments: ["vmid": 111].merging(cli) { $1 },
                   argv: ["qm", "config", "111"], cluster: .on("pve", (111, .qemu)),
                   expect: ["config.bootdisk": "ide0", "config.cpulimit": "1", "config.net0": "e1000=AA:AA:AA:AA:AA:AA,bridge=vmbr0", "disks.#": 1,
                            "disks.0.volume": "local:111/vm-111-disk-0.qcow2", "disks.0.format": "qcow2", "disks.0.size": "10G"]),
        // PVE 7.3 (QEMU 6.2): numbers for numbers, a VLAN tag, base64 SMBIOS strings.
        RealOutput(fixture: "CRASH-Tech-proxmox-operator/pvesh-get-qemu-107-config.pve7.json", tool: "proxmox_vm_config_get",
                   arguments: ["vmid": 107, "transport": "api"], argv: pvesh("/nodes/pve/qemu/107/config", []), cluster: .on("pve", (107, .qemu)),
                   expect: ["config.memory": "8192", "config.cores": "8", "config.kvm": "1", "config.agent": "0", "config.hotplug": "network,disk,usb",
                            "config.net0": "virtio=A2:7B:45:48:9C:E5,bridge=vmbr0,tag=103", "config.meta": "creation-qemu=6.2.0,ctime=1673361689",
                            "digest": "a2019681a11059dc5602d474c3443b907db213b7", "disks.#": 1, "disks.0.volume": "local-lvm:vm-107-disk-0"]),
        // PVE 9.0 (QEMU 10.0): a disk size in MiB (2252M) on a storage named vmdata-1, a seed ISO with its size.
        RealOutput(fixture: "unattributed/cloudinit-shell-snippet/pvesh-get-qemu-111-config.pve9.json", tool: "proxmox_vm_config_get",
                   arguments: ["vmid": 111, "transport": "api"], argv: pvesh("/nodes/pve/qemu/111/config", []), cluster: .on("pve", (111, .qemu)),
                   expect: ["config.machine": "q35", "config.vga": "serial0", "config.agent": "enabled=1", "disks.#": 1,
                            "disks.0.volume": "vmdata-1:vm-111-disk-0", "disks.0.size": "2252M", "disks.0.storage": "vmdata-1"]),
        // PVE 8.4 (QEMU 9.2): Ceph RBD disk and cloud-init drive, ipconfig, cicustom.
        RealOutput(fixture: "unattributed/rust-ipconfig-mock/pvesh-get-qemu-555-config.pve8.json", tool: "proxmox_vm_config_get",
                   arguments: ["vmid": 555, "transport": "api"], argv: pvesh("/nodes/pve/qemu/555/config", []), cluster: .on("pve", (555, .qemu)),
                   expect: ["config.ipconfig0": "ip=10.2.16.80/21,gw=10.2.16.1", "config.cicustom": "user=nfs-snippets:snippets/ci-custom-empty-snippet.yaml",
                            "config.boot": "c", "disks.0.key": "scsi0", "disks.0.volume": "ceph-pool-nvme-01:vm-555-disk-0", "disks.0.size": "50G"]),
        // PVE 9.0: UEFI (efidisk0 of 1M), the cloud-init drive on scsi1, ssh keys (shown redacted).
        RealOutput(fixture: "unattributed/rust-vmconfig-tests/pvesh-get-qemu-111-config.efi-cloudinit.pve9.json", tool: "proxmox_vm_config_get",
                   arguments: ["vmid": 111, "transport": "api"], argv: pvesh("/nodes/pve/qemu/111/config", []), cluster: .on("pve", (111, .qemu)),
                   expect: ["config.bios": "ovmf", "config.sshkeys": "<redacted>", "config.ipconfig0": "ip=10.100.1.174/24,gw=10.100.1.1,ip6=auto",
                            "disks.0.key": "efidisk0", "disks.0.size": "1M", "disks.1.key": "scsi0", "disks.1.size": "160G"]),
        // `qm listsnapshot` (PVE 9): one snapshot with a long description, `current` below it; then none.
        RealOutput(fixture: "unattributed/kasm-runbook/qm-listsnapshot-122.one.pve9.txt", tool: "proxmox_vm_snapshot_list",
                   arguments: ["vmid": 122].merging(cli) { $1 }, argv: ["qm", "listsnapshot", "122"], cluster: .on("purple-server", (122, .qemu)),
                   expect: ["snapshots.#": 2, "snapshots.0.name": "baseline-tiles-2026-07-28", "snapshots.0.snaptime": 1_785_280_098,
                            "snapshots.0.description": "Kasm baseline 2026-07-28: 6 vCPU, 12 GiB, 200G disk, 34 tiles suffixed Normal/VPN/Malware/Target/Review/Full, three concurrent sessions",
                            "snapshots.1.name": "current", "snapshots.1.current": true, "snapshots.1.parent": "baseline-tiles-2026-07-28"]),
        RealOutput(fixture: "unattributed/kasm-runbook/qm-listsnapshot-122.empty.pve9.txt", tool: "proxmox_vm_snapshot_list",
                   arguments: ["vmid": 122].merging(cli) { $1 }, argv: ["qm", "listsnapshot", "122"], cluster: .on("purple-server", (122, .qemu)),
                   expect: ["snapshots.#": 1, "snapshots.0.name": "current", "snapshots.0.current": true]),
        // The guest agent through `qm guest cmd` (PVE 9): three interfaces, IPv4 and IPv6; the other queries were not captured.
        RealOutput(fixture: "edge-queue-controller/qm-guest-cmd-200-network-get-interfaces.pve9.txt", tool: "proxmox_vm_agent_info",
                   arguments: ["vmid": 200].merging(cli) { $1 }, argv: ["qm", "guest", "cmd", "200", "network-get-interfaces"],
                   cluster: .on("pvew", (200, .qemu)),
                   expect: ["interfaces.#": 3, "interfaces.1.name": "ens18", "interfaces.1.mac": "bc:24:11:46:32:17",
                            "interfaces.1.addresses.0.address": "192.168.0.144", "interfaces.1.addresses.0.prefix": 24,
                            "interfaces.1.addresses.1.family": "ipv6", "interfaces.2.name": "tailscale0", "interfaces.2.addresses.0.prefix": 32]),
        RealOutput(fixture: "unattributed/ru-qga-notes/qm-guest-cmd-300-get-osinfo.pve8.txt", tool: "proxmox_vm_agent_info",
                   arguments: ["vmid": 300].merging(cli) { $1 }, argv: ["qm", "guest", "cmd", "300", "get-osinfo"], cluster: .on("pve", (300, .qemu)),
                   expect: ["os.prettyName": "Debian GNU/Linux 12 (bookworm)", "os.kernelRelease": "6.1.0-30-amd64", "os.id": "debian",
                            "os.versionId": "12", "os.machine": "x86_64"],
                   scaffold: [(["qm", "guest", "cmd", "300", "network-get-interfaces"], "[]\n")]),
        RealOutput(fixture: "unattributed/win-qga-transcript/qm-guest-cmd-2002-get-osinfo.pve9.txt", tool: "proxmox_vm_agent_info",
                   arguments: ["vmid": 2002].merging(cli) { $1 }, argv: ["qm", "guest", "cmd", "2002", "get-osinfo"], cluster: .on("pve01", (2002, .qemu)),
                   expect: ["os.prettyName": "Windows Server 2025 Datacenter Evaluation", "os.id": "mswindows", "os.kernelRelease": "26100",
                            "os.version": "Microsoft Windows Server 2025", "os.versionId": "2025"],
                   scaffold: [(["qm", "guest", "cmd", "2002", "network-get-interfaces"], "[]\n")]),
        // `qm guest exec` (PVE 9): output with newlines, exit code 0.
        RealOutput(fixture: "unattributed/kasm-runbook/qm-guest-exec-122-df.pve9.txt", tool: "proxmox_vm_agent_exec",
                   arguments: ["vmid": 122, "command": ["df", "-h", "/"], "confirm": true].merging(cli) { $1 }, argv: ["qm", "guest", "exec", "122", "--timeout", "30", "--", "df", "-h", "/"],
                   cluster: .on("purple-server", (122, .qemu)),
                   expect: ["exitCode": 0, "stdout": "Filesystem      Size  Used Avail Use% Mounted on\n/dev/sda1       193G  120G   74G  62% /\n"]),
        RealOutput(fixture: "edge-queue-controller/qm-guest-exec-200-hostname.pve9.txt", tool: "proxmox_vm_agent_exec",
                   arguments: ["vmid": 200, "command": ["hostname"], "confirm": true].merging(cli) { $1 },
                   argv: ["qm", "guest", "exec", "200", "--timeout", "30", "--", "hostname"], cluster: .on("pvew", (200, .qemu)),
                   expect: ["exitCode": 0, "stdout": "website-edge\n", "stdoutTruncated": false]),
        RealOutput(fixture: "edge-queue-controller/qm-guest-exec-200-ip-brief.pve9.txt", tool: "proxmox_vm_agent_exec",
                   arguments: ["vmid": 200, "command": ["ip", "-brief", "address"], "confirm": true].merging(cli) { $1 },
                   argv: ["qm", "guest", "exec", "200", "--timeout", "30", "--", "ip", "-brief", "address"], cluster: .on("pvew", (200, .qemu)),
                   expect: ["exitCode": 0, "stdoutTruncated": false]),
        RealOutput(fixture: "unattributed/kasm-runbook/qm-guest-exec-122-curl.pve9.txt", tool: "proxmox_vm_agent_exec",
                   arguments: ["vmid": 122, "command": ["curl", "-sk", "https://127.0.0.1/api/__healthcheck"], "confirm": true].merging(cli) { $1 },
                   argv: ["qm", "guest", "exec", "122", "--timeout", "30", "--", "curl", "-sk", "https://127.0.0.1/api/__healthcheck"],
                   cluster: .on("purple-server", (122, .qemu)), expect: ["exitCode": 0, "stdout": "{\"ok\": true}"]),
        RealOutput(fixture: "unattributed/kasm-runbook/qm-guest-exec-122-fstrim.pve9.txt", tool: "proxmox_vm_agent_exec",
                   arguments: ["vmid": 122, "command": ["fstrim", "-av"], "confirm": true].merging(cli) { $1 },
                   argv: ["qm", "guest", "exec", "122", "--timeout", "30", "--", "fstrim", "-av"], cluster: .on("purple-server", (122, .qemu)),
                   expect: ["exitCode": 0, "stdout": "/boot/efi: 98.2 MiB (102995968 bytes) trimmed on /dev/sda15\n/boot: 0 B (0 bytes) trimmed on /dev/sda16\n/: 865.4 MiB (907468800 bytes) trimmed on /dev/sda1\n"]),
        RealOutput(fixture: "unattributed/kasm-runbook/qm-guest-exec-122-docker-ps.pve9.txt", tool: "proxmox_vm_agent_exec",
                   arguments: ["vmid": 122, "command": ["docker", "ps"], "confirm": true].merging(cli) { $1 }, argv: ["qm", "guest", "exec", "122", "--timeout", "30", "--", "docker", "ps"],
                   cluster: .on("purple-server", (122, .qemu)),
                   expect: ["exitCode": 0, "stdoutTruncated": false]),
    ]

    @Test(arguments: guests) func guest(_ case_: RealOutput) async throws { try await RealOutputReplay.check(case_) }

    static let tables: [RealOutput] = [
        // `qm list` of one node (PVE 8.3): a default name with a space, seven-digit PIDs, stopped VMs with PID 0.
        RealOutput(fixture: "bnachtwey-IT-Stuff/qm-list.pve8.txt", tool: "proxmox_vm_list", arguments: ["node": "pve"].merging(cli) { $1 },
                   argv: ["qm", "list"], cluster: .on("pve"),
                   expect: ["vms.#": 8, "total": 8, "vms.1.vmid": 104, "vms.1.name": "VM 104", "vms.1.status": "stopped", "vms.1.maxmem": 25_165_824_000,
                            "vms.1.maxdisk": 137_438_953_472, "vms.3.name": "BNW-W25S-PG", "vms.3.pid": 2_328_921, "vms.3.node": "pve",
                            "vms.7.vmid": 834, "vms.7.name": "PBS", "transport": "cli"]),
        RealOutput(fixture: "unattributed/k8s-homework/qm-list.txt", tool: "proxmox_vm_list", arguments: ["node": "pve"].merging(cli) { $1 },
                   argv: ["qm", "list"], cluster: .on("pve"),
                   expect: ["vms.#": 5, "vms.0.name": "kube-master", "vms.0.maxdisk": 16_106_127_360, "vms.4.name": "kube-worker4", "vms.4.pid": 82165]),
        // Trailing spaces after every column (copied from a terminal), a template among them.
        RealOutput(fixture: "unattributed/update-notes/qm-list.txt", tool: "proxmox_vm_list", arguments: ["node": "pve1", "status": "stopped"].merging(cli) { $1 },
                   argv: ["qm", "list"], cluster: .on("pve1"),
                   expect: ["vms.#": 1, "total": 1, "vms.0.vmid": 9000, "vms.0.name": "alpine-template", "vms.0.maxmem": 1_073_741_824]),
        RealOutput(fixture: "../samples/qm-list.txt", tool: "proxmox_vm_list", arguments: ["node": "pve"].merging(cli) { $1 },
                   argv: ["qm", "list"], cluster: .on("pve"),
                   expect: ["vms.#": 12, "vms.0.vmid": 101, "vms.0.name": "vm110", "vms.0.maxmem": 536_870_912, "vms.0.maxdisk": 32_212_254_720,
                            "vms.11.vmid": 199, "vms.11.maxdisk": 5_368_709_120]),
        // `pct list`: no locks, names padded to the column.
        RealOutput(fixture: "unattributed/update-notes/pct-list.txt", tool: "proxmox_ct_list", arguments: ["node": "pve1"].merging(cli) { $1 },
                   argv: ["pct", "list"], cluster: .on("pve1"),
                   expect: ["containers.#": 3, "containers.0.vmid": 100, "containers.0.name": "adguard", "containers.1.status": "stopped",
                            "containers.2.name": "caddy", "containers.2.type": "lxc"]),
        RealOutput(fixture: "../samples/pct-list.txt", tool: "proxmox_ct_list", arguments: ["node": "pve"].merging(cli) { $1 },
                   argv: ["pct", "list"], cluster: .on("pve"),
                   expect: ["containers.#": 4, "containers.3.vmid": 115, "containers.3.name": "fab-agent-base", "containers.3.status": "running"]),
    ]

    @Test(arguments: tables) func table(_ case_: RealOutput) async throws { try await RealOutputReplay.check(case_) }

    static let nodesAndMore: [RealOutput] = [
        // Node status, PVE 9.1 (string load averages, boot-info, an N100) and PVE 8.4 (legacy BIOS, a nearly full root).
        RealOutput(fixture: "pvexport/pvesh-get-nodes-NODE-status.pve9.json", tool: "proxmox_node_status", arguments: ["node": "pve"],
                   argv: pvesh("/nodes/pve/status", []), cluster: .on("pve"),
                   expect: ["status.cpu": 0.404739747502543, "status.cpus": 4, "status.cpuModel": "Intel(R) N100", "status.loadavg": [1.74, 1.86, 1.5],
                            "status.memory.total": 16_540_520_448, "status.memory.used": 12_671_574_016, "status.memory.free": 1_277_120_512,
                            "status.swap.used": 6_283_759_616, "status.rootfs.total": 100_861_726_720, "status.uptime": 1_480_737,
                            "status.kernel": "6.17.4-1-pve", "status.pveversion": "pve-manager/9.1.2/9d436f37a0ac4172"]),
        RealOutput(fixture: "unattributed/k3s-checklist/pvesh-get-nodes-proxmox-status.pve8.json", tool: "proxmox_node_status", arguments: ["node": "proxmox"],
                   argv: pvesh("/nodes/proxmox/status", []), cluster: .on("proxmox"),
                   expect: ["status.cpu": 0, "status.cpus": 8, "status.cpuModel": "Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz", "status.loadavg": [0.16, 0.1, 0.02],
                            "status.rootfs.used": 12_836_352_000, "status.rootfs.free": 635_187_200, "status.kernel": "6.8.12-15-pve",
                            "status.pveversion": "pve-manager/8.4.14/b502d23c55afcba1", "status.swap.total": 1_073_737_728]),
        // The storage configuration (PVE 8.4: a zfspool, a disabled dir) through the API tool.
        RealOutput(fixture: "unattributed/k3s-checklist/pvesh-get-storage.pve8.json", tool: "proxmox_api_get", arguments: ["path": "/storage"],
                   argv: pvesh("/storage", []), cluster: .on("proxmox"),
                   expect: ["result.#": 3, "result.0.type": "zfspool", "result.0.pool": "gaia-pool-01", "result.2.disable": 1, "result.2.storage": "local"]),
        // /cluster/resources of nodes only (PVE 5, a one-core test VM as the host) through the API tool.
        RealOutput(fixture: "fog-proxmox/pvesh-get-cluster-resources-type-node.pve5.json", tool: "proxmox_api_get",
                   arguments: ["path": "/cluster/resources", "params": ["type": "node"]], argv: pvesh("/cluster/resources", ["--type", "node"]),
                   cluster: .on("pve"), expect: ["result.0.node": "pve", "result.0.maxmem": 2_090_250_240, "result.0.uptime": 128]),
        // The whole cluster at once (PVE 8): four nodes, their zfspool/dir storages, four VMs.
        RealOutput(fixture: "go-proxmox/pvesh-get-cluster-resources.pve8.json", tool: "proxmox_storage_list", arguments: [:],
                   argv: pvesh("/cluster/resources", ["--type", "storage"]), cluster: .on("node1"),
                   expect: ["storage.#": 12, "storage.0.node": "node1", "storage.0.storage": "cloud-init", "storage.2.storage": "local-zfs",
                            "storage.2.type": "zfspool", "storage.2.used": 14_446_702_592, "storage.2.total": 955_016_175_616]),
    ]

    static let ansible = "ansible-community-proxmox/"
    static let moreSources: [RealOutput] = [
        // /cluster/resources --type vm of a two-node cluster: guests in a pool, a VM with no disk, a container with an empty name.
        RealOutput(fixture: ansible + "pvesh-get-cluster-resources-type-vm.json", tool: "proxmox_vm_list", arguments: [:],
                   argv: pvesh("/cluster/resources", ["--type", "vm"]), cluster: ReplayCluster(node: "pve", others: ["pve2"]),
                   expect: ["vms.#": 2, "total": 2, "vms.0.vmid": 100, "vms.0.name": "pxe.home.arpa", "vms.0.cpu": 0.174069059487628, "vms.0.mem": 35_304_543,
                            "vms.0.maxmem": 4_294_967_296, "vms.0.uptime": 669, "vms.0.diskread": 6656, "vms.1.vmid": 101, "vms.1.node": "pve2",
                            "vms.1.pool": "pool1", "vms.1.maxdisk": 0, "vms.1.status": "stopped"]),
        RealOutput(fixture: ansible + "pvesh-get-cluster-resources-type-vm.json", tool: "proxmox_ct_list", arguments: [:],
                   argv: pvesh("/cluster/resources", ["--type", "vm"]), cluster: ReplayCluster(node: "pve", others: ["pve2"]),
                   expect: ["containers.#": 4, "containers.0.vmid": 102, "containers.0.name": "test-lxc.home.arpa", "containers.0.disk": 352_190_464,
                            "containers.0.maxdisk": 10_737_418_240, "containers.0.netin": 102_757, "containers.1.pool": "pool1",
                            "containers.3.vmid": 105, "containers.3.name": "", "containers.3.node": "pve2", "containers.3.status": "stopped"]),
        // /nodes/{node}/lxc answers `vmid` as a string ("103"), /nodes/{node}/qemu as a number: passed through as printed.
        RealOutput(fixture: ansible + "pvesh-get-nodes-NODE-lxc.json", tool: "proxmox_api_get", arguments: ["path": "/nodes/pve2/lxc"],
                   argv: pvesh("/nodes/pve2/lxc", []), cluster: ReplayCluster(node: "pve", others: ["pve2"]),
                   expect: ["result.#": 4, "result.0.vmid": "103", "result.1.pid": 4_076_752, "result.1.maxswap": 536_870_912, "result.3.name": ""]),
        RealOutput(fixture: ansible + "pvesh-get-nodes-NODE-qemu.json", tool: "proxmox_api_get", arguments: ["path": "/nodes/pve/qemu"],
                   argv: pvesh("/nodes/pve/qemu", []), cluster: .on("pve"),
                   expect: ["result.#": 2, "result.0.vmid": 101, "result.1.pid": 4_076_688, "result.1.cpus": 1]),
        // A Proxmox Backup Server storage's archives (PVE 8.1): snapshot-style volume ids, `subtype` for the guest kind.
        RealOutput(fixture: ansible + "pvesh-get-nodes-pve-storage-datastore-content.pbs.pve8.json", tool: "proxmox_backup_list",
                   arguments: ["node": "pve", "storage": "datastore"],
                   argv: pvesh("/nodes/pve/storage/datastore/content", ["--content", "backup"]), cluster: .on("pve"),
                   expect: ["backups.#": 2, "backups.0.volid": "datastore:backup/vm/931/2023-12-14T19:36:00Z", "backups.0.vmid": 931,
                            "backups.0.type": "qemu", "backups.0.format": "pbs-vm", "backups.0.size": 273_804_166_059, "backups.0.ctime": 1_702_582_560,
                            "backups.0.protected": false, "backups.1.ctime": 1_702_528_474]),
        RealOutput(fixture: ansible + "pvesh-get-nodes-pve-storage-datastore-content.pbs.pve8.json", tool: "proxmox_storage_content",
                   arguments: ["node": "pve", "storage": "datastore"],
                   argv: pvesh("/nodes/pve/storage/datastore/content", []), cluster: .on("pve"),
                   expect: ["volumes.#": 2, "volumes.0.volid": "datastore:backup/vm/931/2023-12-14T04:34:34Z", "volumes.0.content": "backup",
                            "volumes.0.vmid": 931, "volumes.0.size": 273_804_166_061, "volumes.0.format": "pbs-vm"]),
        // Scheduled backup jobs (PVE 8.3): calendar schedules, `vmid` as a comma list, `next-run`.
        RealOutput(fixture: ansible + "pvesh-get-cluster-backup.pve8.json", tool: "proxmox_api_get", arguments: ["path": "/cluster/backup"],
                   argv: pvesh("/cluster/backup", []), cluster: .on("pve"),
                   expect: ["result.#": 2, "result.0.id": "backup-83831498-c631", "result.0.schedule": "06,18:30", "result.1.vmid": "100,101,102",
                            "result.1.next-run": 1_735_385_400, "result.1.schedule": "sat 15:00"]),
        // A running VM's status/current (PVE 8.0, QEMU 8.0.2): block and balloon statistics, HA not managed.
        RealOutput(fixture: "go-proxmox/pvesh-get-qemu-101-status-current.pve8.json", tool: "proxmox_api_get",
                   arguments: ["path": "/nodes/node1/qemu/101/status/current"],
                   argv: pvesh("/nodes/node1/qemu/101/status/current", []), cluster: .on("node1", (101, .qemu)),
                   expect: ["result.qmpstatus": "running", "result.running-qemu": "8.0.2", "result.running-machine": "pc-i440fx-8.0+pve0",
                            "result.ballooninfo.free_mem": 887_222_272, "result.blockstat.scsi0.wr_bytes": 1_515_457_024, "result.ha.managed": 0,
                            "result.nics.tap1001i0.netin": 547_369_168, "result.pid": 1_563_102, "result.uptime": 170_815]),
    ]

    static let tiamat = "wlfogle-bulletproof-mediastack/"
    static let configsAndTables: [RealOutput] = [
        // PVE 9.1 (q35 10.1): a GPU passed through (hostpci0), a whole host disk (/dev/sdb), EFI and TPM state, two CD-ROMs.
        RealOutput(fixture: tiamat + "qm-config-901.hostpci-rawdisk.pve9.txt", tool: "proxmox_vm_config_get", arguments: ["vmid": 901].merging(cli) { $1 },
                   argv: ["qm", "config", "901"], cluster: .on("tiamat", (901, .qemu)),
                   expect: ["config.hostpci0": "09:00,pcie=1,x-vga=1", "config.cpulimit": "2", "config.balloon": "0", "config.machine": "pc-q35-10.1",
                            "config.ide2": "local:iso/28000.1_MULTI_X64_EN-US.ISO,media=cdrom", "config.vga": "none",
                            "disks.#": 4, "disks.0.key": "efidisk0", "disks.0.volume": "local-lvm:vm-901-disk-efivars", "disks.0.size": "4M",
                            "disks.1.key": "scsi0", "disks.1.size": "300G", "disks.1.storage": "local-lvm",
                            "disks.2.key": "scsi1", "disks.2.volume": "/dev/sdb", "disks.3.key": "tpmstate0", "disks.3.volume": "local-lvm:vm-901-tpmstate"]),
        // A community-script VM: its HTML description printed percent-encoded (`%0A`, `%3A`), read back as text.
        RealOutput(fixture: tiamat + "qm-config-990.html-description.pve9.txt", tool: "proxmox_vm_config_get", arguments: ["vmid": 990].merging(cli) { $1 },
                   argv: ["qm", "config", "990"], cluster: .on("tiamat", (990, .qemu)),
                   expect: ["config.agent": "enabled=1", "config.serial0": "socket", "config.tags": "community-script", "config.localtime": "1",
                            "config.meta": "creation-qemu=10.1.2,ctime=1775000436", "disks.#": 2, "disks.0.key": "efidisk0", "disks.1.key": "scsi0",
                            "disks.1.size": "32G"]),
        // A container left with a `vzdump` snapshot (`parent`), an empty raw line (`lxc.cap.drop:`), an encoded one-line description.
        RealOutput(fixture: tiamat + "pct-config-102.snapshot-parent.pve9.txt", tool: "proxmox_ct_config_get", arguments: ["vmid": 102].merging(cli) { $1 },
                   argv: ["pct", "config", "102"], cluster: .on("tiamat", (102, .lxc)),
                   expect: ["config.parent": "vzdump", "config.lxc.cap.drop": "", "config.lxc.cgroup2.devices.allow": "a",
                            "config.lxc.mount.auto": "proc:rw sys:rw cgroup:rw", "config.features": "nesting=1,keyctl=1,mknod=1",
                            "config.startup": "order=0,up=20,down=30", "disks.#": 1, "disks.0.key": "rootfs", "disks.0.size": "8G"]),
        RealOutput(fixture: tiamat + "pct-config-110.pve9.txt", tool: "proxmox_ct_config_get", arguments: ["vmid": 110].merging(cli) { $1 },
                   argv: ["pct", "config", "110"], cluster: .on("tiamat", (110, .lxc)),
                   expect: ["config.description": "FileBrowser is reachable at: http://192.168.12.251:8183\n", "config.tags": "community-script;monitoring;proxmox",
                            "config.timezone": "America/New_York", "config.lxc.mount.entry": "/dev/net/tun dev/net/tun none bind,create=file",
                            "disks.#": 1, "disks.0.volume": "local-lvm:vm-110-disk-0"]),
        // PVE 8.1: a Windows Server VM's EFI and TPM state, ISOs with their sizes.
        RealOutput(fixture: "aabayoumy-blog/qm-config-901.efi-tpm.pve8.txt", tool: "proxmox_vm_config_get", arguments: ["vmid": 901].merging(cli) { $1 },
                   argv: ["qm", "config", "901"], cluster: .on("pve1", (901, .qemu)),
                   expect: ["config.ostype": "win11", "config.machine": "pc-q35-8.1", "config.tpmstate0": "local-lvm:vm-901-disk-2,size=4M,version=v2.0",
                            "config.ide0": "storage:iso/virtio-win-0.1.229.iso,media=cdrom,size=522284K", "config.vmgenid": "c6a03c43-1501-49ee-8539-0812576159b3",
                            "disks.#": 3, "disks.0.key": "efidisk0", "disks.1.key": "scsi0", "disks.1.size": "128G", "disks.2.key": "tpmstate0", "disks.2.size": "4M"]),
        // `pct list` of 43 containers (the Lock column empty, the last row unpadded) and a `qm list` whose header lost its indent.
        RealOutput(fixture: tiamat + "pct-list.pve9.txt", tool: "proxmox_ct_list", arguments: ["node": "tiamat"].merging(cli) { $1 },
                   argv: ["pct", "list"], cluster: .on("tiamat"),
                   expect: ["containers.#": 43, "total": 43, "containers.0.vmid": 100, "containers.0.name": "wireguard", "containers.0.status": "running",
                            "containers.2.status": "stopped", "containers.13.name": "alexa-media-bridge", "containers.42.vmid": 900,
                            "containers.42.name": "ziggy", "containers.42.status": "stopped", "containers.42.node": "tiamat"]),
        RealOutput(fixture: tiamat + "qm-list.pve9.txt", tool: "proxmox_vm_list", arguments: ["node": "tiamat"].merging(cli) { $1 },
                   argv: ["qm", "list"], cluster: .on("tiamat"),
                   expect: ["vms.#": 2, "vms.0.vmid": 901, "vms.0.name": "windows-gaming", "vms.0.status": "stopped", "vms.0.maxmem": 4_294_967_296,
                            "vms.0.maxdisk": 322_122_547_200, "vms.1.vmid": 990, "vms.1.name": "haos17-1", "vms.1.status": "running",
                            "vms.1.pid": 34817, "vms.1.maxdisk": 34_359_738_368]),
    ]

    @Test(arguments: configsAndTables) func configOrTable(_ case_: RealOutput) async throws { try await RealOutputReplay.check(case_) }

    /// The encoded HTML description of VM 990 reads back as the text the web UI shows: its lines,
    /// its `:` in URLs, its last line.
    @Test func anEncodedDescriptionReadsAsText() async throws {
        let result = try await RealOutputReplay.call(Self.configsAndTables[1])
        let structured = try #require(result.structuredContent)
        let description = try #require(RealOutputReplay.value(at: "config.description", in: structured)?.stringValue)
        #expect(description.hasPrefix("<div align='center'>\n  <a href='https://community-scripts.org' target='_blank'"))
        #expect(description.hasSuffix("Home Assistant URL http://homeassistant.local:8123\nObserver URL http://homeassistant.local:4357"))
        #expect(description.split(separator: "\n", omittingEmptySubsequences: false).count == 29)
        #expect(!description.contains("%3A") && !description.contains("%0A"))
    }

    @Test(arguments: moreSources) func moreSource(_ case_: RealOutput) async throws { try await RealOutputReplay.check(case_) }

    /// A real listing with one entry broken (its `vmid` removed): the other three are answered,
    /// and both the text and `notes` say one entry was left out and why.
    @Test func aBrokenEntryIsLeftOutAndSaid() async throws {
        let case_ = Self.listings[0]
        let result = try await RealOutputReplay.call(case_) { bytes in
            var entries = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]])
            entries[1].removeValue(forKey: "vmid")
            return Array(try JSONSerialization.data(withJSONObject: entries))
        }
        let note = "left out 1 unreadable entry of `pvesh get /cluster/resources --type vm --output-format json`: entry 2: a qemu entry has no 'vmid' field"
        let structured = try #require(result.structuredContent)
        #expect(RealOutputReplay.value(at: "vms.#", in: structured) == 3)
        #expect(structured.objectValue?["vms"]?.arrayValue?.compactMap { $0.objectValue?["vmid"]?.intValue } == [100, 102, 200])
        #expect(structured.objectValue?["notes"]?.arrayValue?.compactMap(\.stringValue).contains(note) == true, "\(structured)")
        let text = result.content.compactMap { if case let .text(text, _, _) = $0 { text } else { nil } }.joined()
        #expect(text.hasSuffix("(\(note))"), "\(text)")
    }

    @Test(arguments: nodesAndMore) func nodeAndAPI(_ case_: RealOutput) async throws { try await RealOutputReplay.check(case_) }

    static let emptyLog: String = "[]\n"
    static let statuses: [RealOutput] = [
        "startall-status.pve5", "qmcreate-status.stopped.pve5", "vzdump-status.stopped.pve5", "qmsnapshot-status.stopped.pve5",
        "qmcreate-0D8D-status.stopped.pve5",
    ].map { name in
        let path = fog + "pvesh-get-tasks-\(name).json"
        let upid = [
            "startall-status.pve5": "UPID:pve:000006A0:000008D9:5C9B8FE8:startall::root@pam:",
            "qmcreate-status.stopped.pve5": "UPID:pve:00000836:00005F82:5C9B9102:qmcreate:100:root@pam:",
            "vzdump-status.stopped.pve5": vzdump,
            "qmsnapshot-status.stopped.pve5": "UPID:pve:00000D8E:000185B8:5C9B86DE:qmsnapshot:100:root@pam:",
            "qmcreate-0D8D-status.stopped.pve5": "UPID:pve:00000D8D:000185A9:5C9B86DE:qmcreate:100:root@pam:",
        ][name]!
        return RealOutput(fixture: path, tool: "proxmox_task_status", arguments: ["upid": .string(upid)], argv: status(upid), cluster: .on("pve"),
                          expect: ["status": "stopped", "exitstatus": "OK", "succeeded": true], scaffold: [(log(upid), emptyLog)])
    } + [
        RealOutput(fixture: fog + "pvesh-get-tasks-qmsnapshot-status.running.pve5.json", tool: "proxmox_task_status",
                   arguments: ["upid": "UPID:pve:00000D8E:000185B8:5C9B86DE:qmsnapshot:100:root@pam:"],
                   argv: status("UPID:pve:00000D8E:000185B8:5C9B86DE:qmsnapshot:100:root@pam:"), cluster: .on("pve"),
                   expect: ["status": "running", "succeeded": false, "type": "qmsnapshot"],
                   scaffold: [(log("UPID:pve:00000D8E:000185B8:5C9B86DE:qmsnapshot:100:root@pam:"), emptyLog)]),
        RealOutput(fixture: fog + "pvesh-get-tasks-vzrestore-status.running.pve5.json", tool: "proxmox_task_status",
                   arguments: ["upid": "UPID:pve:000013F0:00018E36:5C9B9409:vzrestore:100:root@pam:"],
                   argv: status("UPID:pve:000013F0:00018E36:5C9B9409:vzrestore:100:root@pam:"), cluster: .on("pve"),
                   expect: ["status": "running", "type": "vzrestore", "starttime": 1_553_699_849],
                   scaffold: [(log("UPID:pve:000013F0:00018E36:5C9B9409:vzrestore:100:root@pam:"), emptyLog)]),
        // PVE 8: started by an API token (the UPID's user is `root@pam!opentofu`, the status adds `tokenid`).
        RealOutput(fixture: "bpg-terraform-provider-proxmox/pvesh-get-tasks-qmcreate-status.running-token.pve8.json", tool: "proxmox_task_status",
                   arguments: ["upid": "UPID:elodin:0002A693:005854E2:662E9BBE:qmcreate:100:root@pam!opentofu:"],
                   argv: status("UPID:elodin:0002A693:005854E2:662E9BBE:qmcreate:100:root@pam!opentofu:"), cluster: .on("elodin"),
                   expect: ["status": "running", "user": "root@pam!opentofu", "node": "elodin", "starttime": 1_714_330_558],
                   scaffold: [(log("UPID:elodin:0002A693:005854E2:662E9BBE:qmcreate:100:root@pam!opentofu:"), emptyLog)]),
    ]

    @Test(arguments: statuses) func taskStatus(_ case_: RealOutput) async throws { try await RealOutputReplay.check(case_) }

    /// A start that failed: `qm start` printed the lock message, QEMU's complaint and the task error
    /// on stderr, and exited 255. The tool answers one line, and it is QEMU's complaint (what to
    /// fix), not the lock chatter nor the generic "QEMU exited with code 1".
    @Test func aFailedStartIsOneLineWithTheReason() async throws {
        try await RealOutputReplay.check(RealOutput(
            fixture: "pimox7/qm-start.stderr.pve7.txt", tool: "proxmox_vm_start", arguments: ["vmid": 100].merging(Self.cli) { $1 },
            argv: ["qm", "start", "100"], cluster: .on("pi", (100, .qemu)),
            expect: ["reason": "kvm: -device ide-cd,bus=ide.1,unit=0,drive=drive-ide2,id=ide2: Bus 'ide.1' not found"],
            failing: (255, "qm failed (exit 255): ")))
    }

    static let failedStart = "pimox7/qm-start.stderr.pve7.txt"

    /// No real output sits in the folder unreplayed, and every one is named in SOURCES.md.
    @Test func everyRealOutputIsReplayedAndSourced() throws {
        let cases = Self.listings + Self.tasks + Self.guests + Self.tables + Self.nodesAndMore + Self.statuses + Self.moreSources + Self.configsAndTables
        let used = Set(cases.flatMap { [$0.fixture] + $0.also.map(\.1) } + [Self.failedStart])
        let root = Paths.fixture("real")
        let files = try #require(FileManager.default.enumerator(atPath: root.path)).compactMap { $0 as? String }
            .filter { !$0.hasSuffix(".md") && !$0.hasPrefix(".") }
            .filter { var isDirectory: ObjCBool = false; return FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path, isDirectory: &isDirectory) && !isDirectory.boolValue }
        #expect(files.count >= 60)
        #expect(Set(files).subtracting(used).sorted() == [], "real outputs no test replays")
        let sources = try String(contentsOf: root.appendingPathComponent("SOURCES.md"), encoding: .utf8)
        for file in files { #expect(sources.contains("`\(file)`"), "\(file) is not in Fixtures/real/SOURCES.md") }
    }
}
