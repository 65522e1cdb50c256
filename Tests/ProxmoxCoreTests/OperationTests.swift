import ProxmoxCore
import Testing

@Suite struct OperationTests {
    @Test func listNodesIsPveshGetNodes() {
        for family in [CommandFamily.api, .cli] {
            let command = ListNodes().command(for: family)
            #expect(command.argv == ["pvesh", "get", "/nodes", "--output-format", "json"])
            #expect(command.isReadOnly)
        }
    }

    @Test func listGuestsIsClusterResourcesOfTypeVM() throws {
        let command = ListGuests(kind: .qemu, node: try NodeName("pve1")).command(for: .api)
        #expect(command.argv == ["pvesh", "get", "/cluster/resources", "--type", "vm", "--output-format", "json"])
        #expect(command.description == "pvesh get /cluster/resources --type vm --output-format json")
    }

    @Test func autoSendsReadsThroughPvesh() {
        #expect(ListNodes().family(for: .auto) == .api)
        // Nodes have no qm/pct form: pvesh whatever was asked.
        #expect(ListNodes().family(for: .cli) == .api)
        #expect(ListNodes().family(for: .api) == .api)
    }

    @Test func autoSendsPowerThroughPveshAndSnapshotsThroughQm() throws {
        let guest = GuestRef(kind: .qemu, vmid: try VMID(100), node: try NodeName("pve1"))
        #expect(GuestPower(guest, .start).family(for: .auto) == .api)
        #expect(SnapshotDelete(guest, try SnapshotName("s1")).family(for: .auto) == .cli)
        #expect(SnapshotList(guest).family(for: .auto) == .api)
        #expect(SnapshotList(guest).command(for: .cli).argv == ["qm", "listsnapshot", "100"])
        #expect(SnapshotList(guest).command(for: .cli).isReadOnly)
    }

    @Test func transportArgumentAcceptsTheEarlierNameOfCli() throws {
        #expect(try TransportPreference(parsing: "ssh") == .cli)
        #expect(try TransportPreference(parsing: "cli") == .cli)
        #expect(throws: ProxmoxError.self) { try TransportPreference(parsing: "qm") }
    }

    @Test func guestKindTable() {
        #expect(GuestKind.qemu.cliTool == "qm")
        #expect(GuestKind.lxc.cliTool == "pct")
        #expect(GuestKind.qemu.apiSegment == "qemu")
        #expect(GuestKind.lxc.apiSegment == "lxc")
    }
}
