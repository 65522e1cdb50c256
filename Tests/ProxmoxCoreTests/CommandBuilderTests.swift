import ProxmoxCore
import Testing

@Suite struct CommandBuilderTests {
    @Test func listNodesIsPveshGetNodes() {
        for family in [CommandFamily.api, .cli] {
            let command = CommandBuilder.command(for: .listNodes, family: family)
            #expect(command.argv == ["pvesh", "get", "/nodes", "--output-format", "json"])
            #expect(command.isReadOnly)
        }
    }

    @Test func listGuestsIsClusterResourcesOfTypeVM() throws {
        let command = CommandBuilder.command(for: .listGuests(kind: .qemu, node: try NodeName("pve1")), family: .api)
        #expect(command.argv == ["pvesh", "get", "/cluster/resources", "--type", "vm", "--output-format", "json"])
        #expect(command.description == "pvesh get /cluster/resources --type vm --output-format json")
    }

    @Test func autoSendsReadsThroughPvesh() {
        #expect(TransportRouter.family(for: .listNodes, preference: .auto) == .api)
        // Nodes have no qm/pct form: pvesh whatever was asked.
        #expect(TransportRouter.family(for: .listNodes, preference: .ssh) == .api)
        #expect(TransportRouter.family(for: .listNodes, preference: .api) == .api)
    }

    @Test func guestKindTable() {
        #expect(GuestKind.qemu.cliTool == "qm")
        #expect(GuestKind.lxc.cliTool == "pct")
        #expect(GuestKind.qemu.apiSegment == "qemu")
        #expect(GuestKind.lxc.apiSegment == "lxc")
    }
}
