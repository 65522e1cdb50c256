extension SimulatedCluster {
    /// The cluster a new state file starts from: two online nodes, one offline node, four VMs
    /// (one a template) and three containers. Fixed values, so tests can assert exact output.
    public static let builtIn = SimulatedCluster(
        nodes: [
            node("pve1", cpu: 0.0412, maxcpu: 16, mem: 27_813_502_976, maxmem: 67_324_211_200,
                 disk: 9_126_805_504, maxdisk: 100_861_726_720, uptime: 1_209_600, fingerprint: 0x1A),
            node("pve2", cpu: 0.0078, maxcpu: 8, mem: 6_442_450_944, maxmem: 33_539_407_872,
                 disk: 5_368_709_120, maxdisk: 100_861_726_720, uptime: 604_800, fingerprint: 0x2B),
            node("pve3", online: false, cpu: 0, maxcpu: 8, mem: 0, maxmem: 33_539_407_872,
                 disk: 0, maxdisk: 100_861_726_720, uptime: 0, fingerprint: 0x3C),
        ],
        guests: [
            guest(100, "qemu", "pve1", "web01", running: true, tags: ["prod", "web"], cpu: 0.0213, maxcpu: 2,
                  mem: 1_395_864_371, maxmem: 4_294_967_296, maxdisk: 34_359_738_368, uptime: 1_205_000),
            guest(101, "qemu", "pve1", "db01", running: true, tags: ["prod"], cpu: 0.1375, maxcpu: 4,
                  mem: 6_871_947_673, maxmem: 8_589_934_592, maxdisk: 107_374_182_400, uptime: 1_204_800),
            guest(102, "qemu", "pve2", "win-test", running: false, tags: [], cpu: 0, maxcpu: 4,
                  mem: 0, maxmem: 8_589_934_592, maxdisk: 68_719_476_736, uptime: 0),
            guest(9000, "qemu", "pve1", "debian-12-template", running: false, template: true, tags: ["template"],
                  cpu: 0, maxcpu: 2, mem: 0, maxmem: 2_147_483_648, maxdisk: 10_737_418_240, uptime: 0),
            guest(200, "lxc", "pve1", "dns", running: true, tags: ["infra"], cpu: 0.0031, maxcpu: 1,
                  mem: 52_428_800, maxmem: 536_870_912, disk: 1_073_741_824, maxdisk: 8_589_934_592, uptime: 1_209_000),
            guest(201, "lxc", "pve2", "proxy", running: true, tags: ["infra", "web"], cpu: 0.0102, maxcpu: 2,
                  mem: 157_286_400, maxmem: 1_073_741_824, disk: 2_147_483_648, maxdisk: 8_589_934_592, uptime: 600_000),
            guest(202, "lxc", "pve3", "backup-agent", running: false, tags: [], cpu: 0, maxcpu: 1,
                  mem: 0, maxmem: 536_870_912, maxdisk: 4_294_967_296, uptime: 0),
        ])

    private static func node(_ name: String, online: Bool = true, cpu: Double, maxcpu: Int, mem: Int64,
                             maxmem: Int64, disk: Int64, maxdisk: Int64, uptime: Int64,
                             fingerprint: UInt8) -> SimulatedNode {
        // A fixed, recognisably fake certificate fingerprint (32 bytes, colon-separated hex).
        let hex = (0..<32).map { index in
            let byte = UInt8(truncatingIfNeeded: Int(fingerprint) &+ index &* 7)
            let digits = String(byte, radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }
        return SimulatedNode(name: name, online: online, cpu: cpu, maxcpu: maxcpu, mem: mem, maxmem: maxmem,
                             disk: disk, maxdisk: maxdisk, uptime: uptime,
                             sslFingerprint: hex.joined(separator: ":"))
    }

    private static func guest(_ vmid: Int, _ kind: String, _ node: String, _ name: String, running: Bool,
                              template: Bool = false, tags: [String], cpu: Double, maxcpu: Int, mem: Int64,
                              maxmem: Int64, disk: Int64 = 0, maxdisk: Int64, uptime: Int64) -> SimulatedGuest {
        SimulatedGuest(
            vmid: vmid, kind: kind, node: node, name: name, status: running ? "running" : "stopped",
            template: template, tags: tags, lock: nil, cpu: cpu, maxcpu: maxcpu, mem: mem, maxmem: maxmem,
            disk: disk, maxdisk: maxdisk, uptime: uptime,
            netin: running ? Int64(vmid) * 1_048_576 : 0, netout: running ? Int64(vmid) * 524_288 : 0,
            diskread: running ? Int64(vmid) * 4_194_304 : 0, diskwrite: running ? Int64(vmid) * 2_097_152 : 0)
    }
}
