import MCP
import ProxmoxCore
import Testing

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
}
