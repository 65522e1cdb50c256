import Foundation
import ProxmoxCore
import ProxmoxMCP
import SSHClient
import Testing

/// The config file's clusters map: each cluster's own connection, the stricter of two policies,
/// and every mistake reported with its place.
@Suite struct ClusterConfigurationTests {
    typealias Folder = ConfigurationTests.Folder

    @Test func eachClusterGetsItsOwnConnectionAndTheStricterPolicy() throws {
        let folder = try Folder()
        try folder.write("proxmox-config.json", """
            {"sshUser": "admin", "sshKeyPath": "~/.ssh/fleet", "protectedVmids": [100], "guestExec": ["df", "uptime"],
             "toolsets": ["core", "tasks"], "defaultCluster": "office",
             "clusters": {
               "homelab": {"host": "pve1.lan", "hosts": ["pve2.lan", "10.0.0.3:2222"], "guestExec": ["df", "systemctl"]},
               "office": {"host": "10.1.0.5", "sshUser": "ops", "proxyJump": "jump@bastion.corp:2200,gw.corp",
                          "readOnly": true, "protectedVmids": [200, 100], "toolsets": ["core", "migration"]}
             }}
            """)
        let configuration = folder.load()
        #expect(configuration.problems == [])
        #expect(configuration.clusters.map(\.name) == ["homelab", "office"])
        #expect(configuration.defaultClusterName == "office")

        let homelab = configuration.forCluster("homelab")
        let home = ConnectionSettings(homelab, environment: [:]).endpoint
        #expect(home.host == "pve1.lan" && home.user == "admin" && home.privateKeyPath == folder.home + "/.ssh/fleet")
        #expect(home.fallbackHosts == [SSHHostAddress(host: "pve2.lan", port: 22), SSHHostAddress(host: "10.0.0.3", port: 2222)])
        #expect(home.jumps.isEmpty && home.idleClose == .seconds(300))
        let homePolicy = ServerPolicy(homelab)
        #expect(homePolicy.guestExec == ["df"], "both levels name programs: only those both allow")
        #expect(!homePolicy.readOnly && homePolicy.protectedVMIDs == [100])

        let office = configuration.forCluster("office")
        let work = ConnectionSettings(office, environment: [:]).endpoint
        #expect(work.host == "10.1.0.5" && work.user == "ops")
        #expect(work.jumps.map(\.display) == ["jump@bastion.corp:2200", "ops@gw.corp:22"])
        #expect(work.route == "ops@10.1.0.5:22 via jump@bastion.corp:2200, ops@gw.corp:22")
        let workPolicy = ServerPolicy(office)
        #expect(workPolicy.readOnly && workPolicy.protectedVMIDs == [100, 200])
        #expect(Set(workPolicy.toolsets) == ToolCatalog.expand(["core"]), "core,tasks and core,migration share only core")
        #expect(workPolicy.guestExec == ["df", "uptime"], "given at the top level only: that value")
        #expect(office.source("readOnly")?.describe(SettingCatalog.setting("readOnly")!)
                == "\(folder.path)/proxmox-config.json: clusters.office.readOnly")
        #expect(office.source("protectedVmids")?.describe(SettingCatalog.setting("protectedVmids")!).hasPrefix("strictest of ") == true)
    }

    @Test func mistakesAreReportedWithTheirPlace() throws {
        let folder = try Folder()
        try folder.write("proxmox-config.json", """
            {"host": "pve1.lan", "defaultCluster": "nope",
             "clusters": {"Bad Name": {"host": "x"}, "a": {"hots": "x"}, "b": {"host": "y", "auditLog": "/tmp/a"},
                          "c": {"sshPort": 99999, "host": "z"}, "d": {"readOnly": true}}}
            """)
        let problems = folder.load().problems
        let file = "\(folder.path)/proxmox-config.json"
        #expect(problems.contains("\(file): clusters.Bad Name: 'Bad Name' is not a cluster name (a-z, 0-9, - and _, at most 32, starting with a letter or digit)"))
        #expect(problems.contains { $0.hasPrefix("\(file): clusters.a: unknown key 'hots'") && $0.contains("host") }, "\(problems)")
        #expect(problems.contains("\(file): clusters.b.auditLog: auditLog applies to the whole server and cannot be set per cluster"))
        #expect(problems.contains("\(file): clusters.c.sshPort = '99999' is not a TCP port (1-65535)"))
        #expect(problems.contains("cluster 'd' (\(file): clusters.d) has no host"))
        #expect(problems.contains { $0.hasPrefix("host is set at the top level") })
        #expect(problems.contains { $0.hasPrefix("defaultCluster = 'nope' is not one of the clusters") })
    }

    @Test func addressesAndJumpsParse() {
        #expect(SettingKind.address("[::1]:2222", defaultPort: 22)! == ("::1", 2222))
        #expect(SettingKind.address("pve2", defaultPort: 22)! == ("pve2", 22))
        #expect(SettingKind.address("pve2:0", defaultPort: 22) == nil)
        #expect(SettingKind.address("a b", defaultPort: 22) == nil)
        #expect(SettingKind.jump("admin@bastion:2200", defaultUser: "root")! == ("admin", "bastion", 2200))
        #expect(SettingKind.jump("bastion", defaultUser: "root")! == ("root", "bastion", 22))
        #expect(SettingKind.jump("@bastion", defaultUser: "root") == nil)
    }
}
