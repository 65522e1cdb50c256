import Foundation
import ProxmoxCore
import Testing
import TestSupport

/// The migration, guest-agent and cloud-init parsers on real recorded outputs
/// (Fixtures/guests/SOURCES.md); expected values read by hand from the files.
@Suite struct GuestWorkParserTests {
    static let guest = GuestRef(kind: .qemu, vmid: try! VMID(200), node: try! NodeName("pve1"))

    func output(_ name: String) throws -> CommandOutput {
        CommandOutput(stdout: try Paths.fixtureBytes("guests/" + name), stderr: [], exitStatus: 0)
    }

    func address(_ address: String, _ family: String, _ prefix: Int) -> GuestInterface.Address {
        GuestInterface.Address(address: address, family: family, prefix: prefix)
    }

    @Test func qmGuestCmdInterfacesOfAPVE9Guest() throws {
        let document = try AgentQuery(Self.guest, .interfaces).parse(try output("qm-guest-cmd-network-get-interfaces.pve9-tailscale.txt"), family: .cli)
        let interfaces = try GuestInterface.parseAgent(document)
        #expect(interfaces.map(\.name) == ["lo", "ens18", "tailscale0"])
        #expect(interfaces[0].addresses == [address("127.0.0.1", "ipv4", 8), address("::1", "ipv6", 128)])
        #expect(interfaces[1].mac == "bc:24:11:46:32:17")
        #expect(interfaces[1].addresses == [address("192.168.0.144", "ipv4", 24), address("2001:db8:800:7627:be24:11ff:fe46:3217", "ipv6", 64),
                                            address("fe80::be24:11ff:fe46:3217", "ipv6", 64)])
        #expect(interfaces[2].mac == "00:00:00:00:00:00")
        #expect(interfaces[2].addresses.first == address("100.64.0.7", "ipv4", 32))
    }

    @Test func theSameAnswerThroughPveshAndThroughQm() throws {
        let api = try GuestInterface.parseAgent(try AgentQuery(Self.guest, .interfaces).parse(try output("pvesh-get-agent-network-get-interfaces.microos.json"), family: .api))
        let cli = try GuestInterface.parseAgent(try AgentQuery(Self.guest, .interfaces).parse(try output("qm-guest-cmd-network-get-interfaces.microos.txt"), family: .cli))
        #expect(api == cli)
        #expect(api.map(\.name) == ["lo", "ens18"])
        #expect(api[1] == GuestInterface(name: "ens18", mac: "b6:ad:86:35:12:92",
                                         addresses: [address("192.168.3.102", "ipv4", 24), address("fe80::e16e:6393:36f7:42ef", "ipv6", 64)]))
    }

    @Test func execStatusOfQmGuestExec() throws {
        let result = try GuestExecResult.parseAgent(try JSONValue.parse(try output("qm-guest-exec-hostname.pve9.txt").stdout))
        #expect(result == GuestExecResult(exited: true, exitCode: 0, signal: nil, stdout: "website-edge\n", stderr: "",
                                          stdoutTruncated: false, stderrTruncated: false))
        // A long answer is cut at the limit and marked.
        let capped = GuestExecResult(exited: true, exitCode: 0, signal: nil, stdout: String(repeating: "é", count: 10), stderr: "",
                                     stdoutTruncated: false, stderrTruncated: false).capped(at: 5)
        #expect(capped.stdout == "éé" && capped.stdoutTruncated)
    }

    @Test func migrationPreconditionsOfARunningVMWithUSBAndLocalStorage() throws {
        let check = try MigrationPreconditions(Self.guest, to: nil).parse(try output("pvesh-get-qemu-VMID-migrate.running-usb.pve9.json"), family: .api)
        #expect(check.running && check.allowedNodes == [])
        #expect(check.blockedNodes.map(\.node) == ["FwNode", "workstation1", "workstation2"])
        #expect(check.blockedNodes.allSatisfy { $0.unavailableStorages == ["docker-data"] && $0.unavailableResources.isEmpty })
        #expect(check.localDisks.map(\.volid) == ["docker-data:vm-201-disk-0", "local:iso/debian-13.2.0-amd64-netinst.iso", "local-lvm:vm-201-disk-1"])
        #expect(check.localDisks.map(\.cdrom) == [false, true, false] && check.localDisks.allSatisfy { $0.size == nil && !$0.unused })
        #expect(check.localResources == ["usb0"] && check.mappedResources.isEmpty)
        #expect(check.refusal(to: "workstation1", online: true, withLocalDisks: true) == "workstation1 is not allowed: storage docker-data not available there")
        #expect(check.refusal(to: "pve-minipc", online: true, withLocalDisks: true)
            == "local resources usb0 tie the guest to its node (passthrough devices cannot move)")
    }

    @Test func cloudInitUserDataIsShownWithoutItsSecrets() throws {
        for (file, user) in [("qm-cloudinit-dump-user.nocloud.txt", nil), ("qm-cloudinit-dump-user.configdrive2.txt", "MyOrgAdmin")] {
            let text = try CloudInitDump(Self.guest, .user).parse(try output(file), family: .cli)
            let shown = CloudInitDump.redacted(text, secrets: [])
            #expect(!shown.contains("asdf") && !shown.contains("plain_test_password") && !shown.contains("ssh-rsa"), "\(file)")
            #expect(shown.contains("\npassword: <redacted>\nssh_authorized_keys:\n  - <redacted>\n"), "\(file)")
            #expect(shown.hasPrefix("#cloud-config\nhostname: ") && shown.hasSuffix("users:\n  - default\npackage_upgrade: true\n"), "\(file)")
            #expect(shown.contains("user: \(user ?? "")") == (user != nil))
        }
    }

    @Test func sizesAndKeysAreValidatedAsProxmoxDoes() throws {
        #expect(try DiskSize("+10G").bytes == 10_737_418_240 && DiskSize("+10G").isIncrement)
        #expect(try DiskSize("1.5T").bytes == 1_649_267_441_664 && !DiskSize("1.5T").isIncrement)
        #expect(try DiskSize("512M").bytes == 536_870_912)
        #expect(try DiskKey("efidisk0", kind: .qemu).bus == "efidisk")
        #expect(throws: ProxmoxError.self) { try DiskKey("rootfs", kind: .qemu) }
        #expect(throws: ProxmoxError.self) { try DiskKey("virtio16", kind: .qemu) }
        #expect(try IPConfig("ip=10.0.0.5/24,gw=10.0.0.1,ip6=auto", field: "ipconfig").value == "ip=10.0.0.5/24,gw=10.0.0.1,ip6=auto")
        #expect(try IPConfig("ip6=2001:db8::5/64,gw6=2001:db8::1", field: "ipconfig").value.hasPrefix("ip6="))
        #expect(throws: ProxmoxError.self) { try IPConfig("ip=10.0.0.5/33", field: "ipconfig") }
    }
}
