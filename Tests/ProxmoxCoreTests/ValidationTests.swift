import ProxmoxCore
import Testing

@Suite struct ValidationTests {
    @Test func vmidRange() throws {
        #expect(try VMID(100).value == 100)
        #expect(try VMID(999_999_999).value == 999_999_999)
        #expect(throws: ProxmoxError.invalidArgument(field: "vmid", reason: "99 is outside 100-999999999")) { try VMID(99) }
        #expect(throws: ProxmoxError.self) { try VMID(1_000_000_000) }
    }

    @Test func vmidText() throws {
        #expect(try VMID(parsing: "9000").value == 9000)
        for bad in ["099", "12", "1e3", " 100", "100;", "", "-100", "1000000000"] {
            #expect(throws: ProxmoxError.self, "\(bad)") { try VMID(parsing: bad) }
        }
    }

    @Test func nodeNames() throws {
        for good in ["pve1", "a", "node-2", "PVE", String(repeating: "a", count: 63)] {
            #expect(try NodeName(good).value == good)
        }
        for bad in ["", "-pve", "pve-", "pve.local", "pve 1", "pve;id", "p$ve", String(repeating: "a", count: 64), "--help"] {
            #expect(throws: ProxmoxError.self, "\(bad)") { try NodeName(bad) }
        }
        #expect(throws: ProxmoxError.invalidArgument(
            field: "node", reason: "'x y' is not a node name (letters, digits and inner '-', at most 63 characters)")) {
            try NodeName("x y")
        }
    }

    @Test func transportNames() throws {
        #expect(try TransportPreference(parsing: "api") == .api)
        #expect(throws: ProxmoxError.invalidArgument(field: "transport", reason: "'https' is not one of cli, api, auto (ssh = cli)")) {
            try TransportPreference(parsing: "https")
        }
    }
}
