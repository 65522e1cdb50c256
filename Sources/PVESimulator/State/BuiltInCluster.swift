import ProxmoxCore

extension SimulatedCluster {
    /// The cluster a new state file starts from: two online nodes and one offline, six VMs (one
    /// paused, one a template), four containers, snapshots, and storage with ISOs, container
    /// templates, backups and the guests' disks. Fixed values, so tests can assert exact output.
    public static var builtIn: SimulatedCluster {
        var cluster = SimulatedCluster(
            name: "homelab",
            nodes: [
                node("pve1", ip: "127.0.0.1", cpu: 0.0412, maxcpu: 16, model: "AMD Ryzen 9 5950X 16-Core Processor",
                     mem: 27_813_502_976, maxmem: 67_324_211_200, disk: 9_126_805_504, uptime: 1_209_600,
                     load: ["0.42", "0.38", "0.35"], fingerprint: 0x1A),
                node("pve2", ip: "127.0.0.2", cpu: 0.0078, maxcpu: 8, model: "Intel(R) Core(TM) i7-10700T CPU @ 2.00GHz",
                     mem: 6_442_450_944, maxmem: 33_539_407_872, disk: 5_368_709_120, uptime: 604_800,
                     load: ["0.08", "0.11", "0.09"], fingerprint: 0x2B),
                node("pve3", online: false, ip: "127.0.0.3", cpu: 0, maxcpu: 8,
                     model: "Intel(R) Core(TM) i7-10700T CPU @ 2.00GHz", mem: 0, maxmem: 33_539_407_872, disk: 0,
                     uptime: 0, load: ["0.00", "0.00", "0.00"], fingerprint: 0x3C),
            ],
            guests: [
                vm(100, "web01", on: "pve1", status: "running", memory: 4096, cores: 2, disk: "scsi0", size: 32,
                   tags: "prod;web", stats: stats(cpu: 0.0213, mem: 1_395_864_371, uptime: 1_205_000, seed: 100),
                   snapshots: [snapshot("pre-upgrade", nil, "before apt full-upgrade", 1_763_900_000),
                               snapshot("post-upgrade", "pre-upgrade", "", 1_763_986_400, vmstate: true)]),
                vm(101, "db01", on: "pve1", status: "running", memory: 8192, cores: 4, disk: "scsi0", size: 100,
                   tags: "prod", stats: stats(cpu: 0.1375, mem: 6_871_947_673, uptime: 1_204_800, seed: 101),
                   snapshots: [snapshot("before-migration", nil, "schema v12 to v13", 1_764_000_000)]),
                vm(102, "win-test", on: "pve2", status: "stopped", memory: 8192, cores: 4, disk: "sata0", size: 64,
                   ostype: "win11"),
                vm(103, "ci-runner", on: "pve2", status: "running", memory: 2048, cores: 2, disk: "scsi0", size: 40,
                   tags: "ci", stats: stats(cpu: 0.3102, mem: 1_610_612_736, uptime: 86_400, seed: 103)),
                vm(104, "staging-app", on: "pve1", status: "paused", memory: 2048, cores: 2, disk: "scsi0", size: 32,
                   tags: "staging", stats: stats(cpu: 0, mem: 1_073_741_824, uptime: 43_200, seed: 104)),
                vm(9000, "debian-12-template", on: "pve1", status: "stopped", memory: 2048, cores: 2, disk: "scsi0",
                   size: 10, tags: "template", template: true),
                // A template on shared (Ceph RBD) storage: linked clones of it may land on any node.
                vm(9001, "ubuntu-2404-template", on: "pve2", status: "stopped", memory: 2048, cores: 2, disk: "scsi0",
                   size: 12, tags: "template", template: true, storage: "ceph-vm"),
                ct(200, "dns", on: "pve1", status: "running", memory: 512, cores: 1, size: 8, tags: "infra",
                   stats: stats(cpu: 0.0031, mem: 52_428_800, uptime: 1_209_000, seed: 200)),
                ct(201, "proxy", on: "pve2", status: "running", memory: 1024, cores: 2, size: 8, tags: "infra;web",
                   stats: stats(cpu: 0.0102, mem: 157_286_400, uptime: 600_000, seed: 201)),
                ct(202, "backup-agent", on: "pve3", status: "stopped", memory: 512, cores: 1, size: 4, tags: nil),
                ct(203, "monitoring", on: "pve1", status: "stopped", memory: 2048, cores: 2, size: 16, tags: "infra",
                   snapshots: [snapshot("base", nil, "fresh install", 1_763_800_000)]),
            ],
            storages: [
                SimulatedStorage(
                    id: "local", type: "dir", content: ["iso", "vztmpl", "backup"], shared: false, nodes: nil,
                    total: 100_861_726_720, baseUsed: 4_294_967_296,
                    volumes: ["pve1", "pve2"].flatMap { node in
                        [volume("local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", node, "vztmpl", "tzst",
                                126_464_000, 1_762_000_000),
                         volume("local:iso/debian-12.8.0-amd64-netinst.iso", node, "iso", "iso", 663_748_608,
                                1_762_100_000)]
                    } + [
                        volume("local:iso/ubuntu-24.04.1-live-server-amd64.iso", "pve1", "iso", "iso",
                               2_773_874_688, 1_762_200_000),
                        volume("local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz", "pve1", "vztmpl", "txz",
                               3_178_496, 1_762_300_000),
                        volume("local:backup/vzdump-lxc-200-2025_11_20-01_30_11.tar.zst", "pve1", "backup", "tar.zst",
                               412_090_368, 1_763_602_211, vmid: 200, notes: "dns nightly"),
                    ]),
                SimulatedStorage(
                    id: "local-lvm", type: "lvmthin", content: ["images", "rootdir"], shared: false, nodes: nil,
                    total: 1_862_795_935_744, baseUsed: 0, volumes: []),
                SimulatedStorage(
                    id: "nas-backup", type: "nfs", content: ["backup", "iso"], shared: true, nodes: ["pve1", "pve2"],
                    total: 4_000_787_030_016, baseUsed: 1_099_511_627_776,
                    volumes: [
                        volume("nas-backup:backup/vzdump-qemu-100-2025_11_20-01_00_03.vma.zst", nil, "backup",
                               "vma.zst", 5_368_709_120, 1_763_600_403, vmid: 100, notes: "web01 nightly"),
                        volume("nas-backup:backup/vzdump-qemu-101-2025_11_20-01_10_44.vma.zst", nil, "backup",
                               "vma.zst", 21_474_836_480, 1_763_601_044, vmid: 101, notes: "db01 nightly"),
                    ]),
                // A Proxmox Backup Server datastore: snapshot volids, verification state, one protected backup.
                SimulatedStorage(
                    id: "pbs-main", type: "pbs", content: ["backup"], shared: true, nodes: nil,
                    total: 8_001_563_222_016, baseUsed: 2_199_023_255_552,
                    volumes: [
                        volume("pbs-main:backup/vm/100/2025-11-23T02:00:05Z", nil, "backup", "pbs-vm", 4_123_456_789,
                               1_763_863_205, vmid: 100, notes: "web01 weekly", protected: true, verification: "ok"),
                        volume("pbs-main:backup/vm/101/2025-11-23T02:04:12Z", nil, "backup", "pbs-vm", 16_877_125_632,
                               1_763_863_452, vmid: 101, notes: "db01 weekly", verification: "failed"),
                        volume("pbs-main:backup/ct/200/2025-11-23T02:11:40Z", nil, "backup", "pbs-ct", 389_120_000,
                               1_763_863_900, vmid: 200, notes: "dns weekly", verification: "ok"),
                    ]),
                SimulatedStorage(
                    id: "ceph-vm", type: "rbd", content: ["images", "rootdir"], shared: true, nodes: nil,
                    total: 11_991_548_887_040, baseUsed: 1_649_267_441_664, volumes: []),
                // A second pool for guest disks on the two online nodes: where disks are moved to.
                SimulatedStorage(
                    id: "tank", type: "zfspool", content: ["images", "rootdir"], shared: false, nodes: ["pve1", "pve2"],
                    total: 3_985_729_650_688, baseUsed: 0, volumes: []),
            ])
        // Guest agents: web01's answers, db01's is enabled but not installed, ci-runner is provisioned by cloud-init;
        // win-test has a GPU passed through (it cannot migrate).
        let extra: [Int: [String: String]] = [
            100: ["agent": "1"], 101: ["agent": "1"], 102: ["hostpci0": "0000:01:00.0,pcie=1,x-vga=1"],
            103: ["agent": "1", "ide2": "local-lvm:vm-103-cloudinit,media=cdrom", "ciuser": "debian", "ipconfig0": "ip=dhcp"],
        ]
        for index in cluster.guests.indices {
            cluster.guests[index].config.merge(extra[cluster.guests[index].vmid] ?? [:]) { $1 }
            for snapshot in cluster.guests[index].snapshots.indices { cluster.guests[index].snapshots[snapshot].config = cluster.guests[index].config }
        }
        cluster.guests[cluster.guests.firstIndex { $0.vmid == 101 }!].agentOffline = true
        for guest in cluster.guests {
            cluster.allocateDisks(of: guest)
        }
        // Each archive holds its guest's config, which a restore brings back.
        for index in cluster.storages.indices {
            for volume in cluster.storages[index].volumes.indices where cluster.storages[index].volumes[volume].content == "backup" {
                let vmid = cluster.storages[index].volumes[volume].vmid
                cluster.storages[index].volumes[volume].config = cluster.guests.first { $0.vmid == vmid }?.config
            }
        }
        cluster.tasks = Tasks.history
        cluster.haResources = [
            SimulatedHAResource(sid: "vm:100", state: "started", maxRestart: 2, comment: "web front end"),
            SimulatedHAResource(sid: "vm:101", state: "started"),
            SimulatedHAResource(sid: "ct:201", state: "started", crmState: "error"),
        ]
        cluster.aptUpdates = ["pve1": [
            SimulatedPackageUpdate("pve-manager", "Proxmox Virtual Environment Management Tools", from: "9.1.1", to: "9.1.2", priority: "important"),
            SimulatedPackageUpdate("proxmox-kernel-6.17", "Latest Proxmox Kernel Image", from: "6.17.2-1", to: "6.17.2-2", section: "kernel"),
            SimulatedPackageUpdate("openssl", "Secure Sockets Layer toolkit - cryptographic utility", from: "3.5.1-1", to: "3.5.1-1+deb13u1",
                                   origin: "Debian", priority: "important", section: "utils"),
        ]]
        return cluster
    }

    static func node(_ name: String, online: Bool = true, ip: String, cpu: Double, maxcpu: Int,
                             model: String, mem: Int64, maxmem: Int64, disk: Int64, uptime: Int64, load: [String],
                             fingerprint: UInt8) -> SimulatedNode {
        // A fixed, recognisably fake certificate fingerprint (32 bytes, colon-separated hex).
        let hex = (0..<32).map { index in
            let byte = UInt8(truncatingIfNeeded: Int(fingerprint) &+ index &* 7)
            let digits = String(byte, radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }
        return SimulatedNode(
            name: name, online: online, ip: ip, cpu: cpu, maxcpu: maxcpu, cpuModel: model, sockets: 1, mem: mem,
            maxmem: maxmem, swapUsed: online ? 268_435_456 : 0, swapTotal: 8_589_930_496, disk: disk,
            maxdisk: 100_861_726_720, uptime: uptime, loadavg: load, kernel: "6.8.12-4-pve",
            pveversion: "pve-manager/9.1.2/9b5b0c7fbf8a8d7e", sslFingerprint: hex.joined(separator: ":"))
    }

    static func stats(cpu: Double, mem: Int64, uptime: Int64, seed: Int64) -> GuestStats {
        GuestStats(cpu: cpu, mem: mem, disk: 0, netin: seed * 1_048_576, netout: seed * 524_288,
                   diskread: seed * 4_194_304, diskwrite: seed * 2_097_152, uptime: uptime, pid: 1000 + Int(seed))
    }

    private static func snapshot(_ name: String, _ parent: String?, _ description: String, _ time: Int64,
                                 vmstate: Bool = false) -> SimulatedSnapshot {
        SimulatedSnapshot(name: name, parent: parent, description: description, snaptime: time, vmstate: vmstate,
                          config: [:])
    }

    private static func mac(_ vmid: Int) -> String {
        let hex = String(vmid, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        return "BC:24:11:00:\(padded.prefix(2)):\(padded.suffix(2))"
    }

    static func vm(_ vmid: Int, _ name: String, on node: String, status: String, memory: Int, cores: Int,
                           disk: String, size: Int, tags: String? = nil, ostype: String = "l26",
                           template: Bool = false, stats: GuestStats = .idle,
                           snapshots: [SimulatedSnapshot] = [], storage: String = "local-lvm") -> SimulatedGuest {
        let prefix = template ? "base" : "vm"
        var config = [
            "boot": "order=\(disk);net0", "cores": String(cores), "memory": String(memory), "name": name,
            "net0": "virtio=\(mac(vmid)),bridge=vmbr0,firewall=1", "ostype": ostype, "scsihw": "virtio-scsi-single",
            "sockets": "1", disk: "\(storage):\(prefix)-\(vmid)-disk-0,iothread=1,size=\(size)G",
        ]
        if let tags { config["tags"] = tags }
        if template { config["template"] = "1" }
        return guest(vmid, .qemu, node, status, config, stats, snapshots)
    }

    static func ct(_ vmid: Int, _ hostname: String, on node: String, status: String, memory: Int, cores: Int,
                           size: Int, tags: String?, stats: GuestStats = .idle,
                           snapshots: [SimulatedSnapshot] = []) -> SimulatedGuest {
        var config = [
            "arch": "amd64", "cores": String(cores), "hostname": hostname, "memory": String(memory),
            "net0": "name=eth0,bridge=vmbr0,hwaddr=\(mac(vmid)),ip=dhcp,type=veth", "ostype": "debian",
            "rootfs": "local-lvm:vm-\(vmid)-disk-0,size=\(size)G", "swap": "512", "unprivileged": "1",
        ]
        if let tags { config["tags"] = tags }
        return guest(vmid, .lxc, node, status, config, stats, snapshots)
    }

    static func guest(_ vmid: Int, _ kind: GuestKind, _ node: String, _ status: String,
                              _ config: [String: String], _ stats: GuestStats,
                              _ snapshots: [SimulatedSnapshot]) -> SimulatedGuest {
        let snapshots = snapshots.map { snapshot in
            var copy = snapshot
            copy.config = config
            return copy
        }
        return SimulatedGuest(vmid: vmid, kind: kind, node: node, status: status, lock: nil, config: config,
                              snapshots: snapshots, parentSnapshot: snapshots.last?.name, stats: stats)
    }

    private static func volume(_ volid: String, _ node: String?, _ content: String, _ format: String, _ size: Int64,
                               _ ctime: Int64, vmid: Int? = nil, notes: String? = nil, protected: Bool? = nil,
                               verification: String? = nil) -> SimulatedVolume {
        SimulatedVolume(volid: volid, node: node, content: content, format: format, size: size, ctime: ctime,
                        vmid: vmid, notes: notes, protected: protected, verification: verification, config: nil)
    }
}
