import Foundation
import ProxmoxCore
import Testing
import TestSupport

@Suite struct ParserTests {
    @Test func nodesFromARealCapture() throws {
        let nodes = try NodeSummary.parseList(JSONValue.parse(Paths.fixtureBytes("samples/pvesh-get-nodes.json")))
        #expect(nodes.map(\.node) == ["node1", "node2", "node3", "node4"])
        #expect(nodes[0] == NodeSummary(
            node: "node1", status: "online", cpu: 0.00348605577689243, maxcpu: 12, mem: 11_508_809_728,
            maxmem: 33_568_288_768, disk: 2_310_930_432, maxdisk: 940_743_983_104, uptime: 2_236_708, level: "",
            unmodelled: UnmodelledFields([
                ("id", "node/node1"), ("type", "node"),
                ("ssl_fingerprint", "80:D4:F2:DF:64:95:CD:8D:A0:82:82:AC:48:BA:C0:7A:1B:6B:87:8B:FE:B9:83:1C:95:4E:79:58:77:99:69:F5"),
            ])))
        #expect(nodes[3].maxcpu == 8)
        #expect(nodes[3].mem == 2_268_295_168)
    }

    /// Disks of a real container config (a host bind mount, a subvolume root) and of a VM config
    /// with the entries a UEFI VM has (written here after the layout `qm config` prints).
    @Test func disksFromConfigs() throws {
        let container = try GuestConfig.parse(JSONValue.parse(Paths.fixtureBytes("samples/pvesh-get-lxc-VMID-config.pve7.json-pretty.txt")))
        #expect(GuestDisk.disks(of: container) == [
            GuestDisk(key: "mp0", volume: "/mnt/foo/bar", storage: nil, size: nil),
            GuestDisk(key: "rootfs", volume: "vmstore:subvol-101-disk-0", storage: "vmstore", size: "30G"),
        ])
        let vm = try GuestConfig.parseText("""
            boot: order=scsi0;ide2
            efidisk0: local-lvm:vm-109-disk-0,efitype=4m,pre-enrolled-keys=1,size=4M
            ide2: local:iso/debian-12.8.0-amd64-netinst.iso,media=cdrom,size=631M
            ide3: none,media=cdrom
            scsi0: local-lvm:vm-109-disk-1,iothread=1,size=20G
            scsi1: tank:vm-109-disk-2,backup=0,size=1T
            scsihw: virtio-scsi-single
            tpmstate0: local-lvm:vm-109-disk-3,size=4M,version=v2.0
            unused0: local-lvm:vm-109-disk-4
            virtio1: local:109/vm-109-disk-5.qcow2,size=8G
            """)
        #expect(GuestDisk.disks(of: vm).map(\.line) == [
            "efidisk0 local-lvm:vm-109-disk-0 (4M)", "scsi0 local-lvm:vm-109-disk-1 (20G)", "scsi1 tank:vm-109-disk-2 (1T)",
            "tpmstate0 local-lvm:vm-109-disk-3 (4M)", "unused0 local-lvm:vm-109-disk-4", "virtio1 local:109/vm-109-disk-5.qcow2 (8G)",
        ])
        #expect(GuestDisk.disks(of: vm).map(\.format) == [nil, nil, nil, nil, nil, "qcow2"])
        #expect(GuestDisk.disks(of: container).map(\.format) == [nil, "subvol"])
    }

    @Test func guestsFromARealCaptureSkipNodesAndStorage() throws {
        let guests = try GuestSummary.parseList(
            JSONValue.parse(Paths.fixtureBytes("samples/pvesh-get-cluster-resources.json")))
        #expect(guests.map(\.vmid) == [100, 101, 102, 200])
        #expect(guests[0] == GuestSummary(
            vmid: 100, name: "server1", node: "node2", status: "running", type: .qemu, template: false, tags: [],
            lock: nil, cpu: 0.0249060195469461, maxcpu: 1, mem: 842_551_296, maxmem: 1_073_741_824, disk: 0,
            maxdisk: 34_359_738_368, uptime: 874_350,
            unmodelled: UnmodelledFields([("id", "qemu/100"), ("netin", 2_456_116_121), ("netout", 545_248_946),
                                          ("diskread", 4_510_777_856), ("diskwrite", 6_059_209_728)])))
        #expect(guests[1].template == true)
        #expect(guests[1].status == "stopped")
        #expect(guests[2].tags == ["go-proxmox+cloud-init"])
        #expect(guests[3].name == "VM 200")
    }

    @Test func restBodyWithDataWrapperIsNotAList() throws {
        // The API-order file is a REST body ({"data": [...]}), which pvesh never prints.
        let document = try JSONValue.parse(Paths.fixtureBytes("samples/pvesh-get-cluster-resources.api-order.json"))
        #expect(throws: ParseFailure("expected a JSON array of resources")) { try GuestSummary.parseList(document) }
        // Its content, unwrapped, parses to the same guests as the normalised capture.
        let unwrapped = try GuestSummary.parseList(document["data"]!)
        let normalised = try GuestSummary.parseList(
            JSONValue.parse(Paths.fixtureBytes("samples/pvesh-get-cluster-resources.json")))
        #expect(unwrapped == normalised)
    }

    @Test func toleratesStringNumbersAndMissingFields() throws {
        let text = #"[{"type":"lxc","vmid":"106","node":"pve","status":"running","template":"1","maxmem":"536870912"}]"#
        let guests = try GuestSummary.parseList(JSONValue.parse(Array(text.utf8)))
        #expect(guests == [GuestSummary(vmid: 106, name: nil, node: "pve", status: "running", type: .lxc,
                                        template: true, maxmem: 536_870_912)])
    }

    /// An entry that cannot be read is left out and said, never the whole list; a document of
    /// the wrong shape is still a typed failure.
    @Test func malformedEntriesAreLeftOutAndSaid() throws {
        let (guests, skipped) = try ParseProblems.collect { () throws(ParseFailure) in
            try GuestSummary.parseList(try! JSONValue.parse(Array(#"[{"type":"qemu","node":"a"},{"type":"lxc","vmid":7,"node":"a"}]"#.utf8)))
        }
        #expect(guests.map(\.vmid) == [7])
        #expect(skipped == ["entry 1: a qemu entry has no 'vmid' field"])
        let (nodes, alsoSkipped) = try ParseProblems.collect { () throws(ParseFailure) in
            try NodeSummary.parseList(try! JSONValue.parse(Array(#"[{"status":"online"}]"#.utf8)))
        }
        #expect(nodes.isEmpty && alsoSkipped == ["entry 1: a node entry has no 'node' field"])
        #expect(ParseProblems.note(skipped, command: Command(["pvesh", "get", "/cluster/resources"], isReadOnly: true))
            == "left out 1 unreadable entry of `pvesh get /cluster/resources`: entry 1: a qemu entry has no 'vmid' field")
        #expect(throws: ParseFailure("expected a JSON array of nodes")) {
            try NodeSummary.parseList(JSONValue.parse(Array(#"{"node":"x"}"#.utf8)))
        }
    }

    /// The row-by-row read of a long listing returns what the whole-document read returns.
    @Test func recordsReadTheSameGuestsAsTheDocument() throws {
        let compact = try Paths.fixtureBytes("samples/pvesh-get-cluster-resources.json")
        // The same rows pretty-printed (spaces and newlines everywhere JSON allows them).
        let pretty = Array(try JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: Data(compact)), options: [.prettyPrinted]))
        for bytes in [compact, pretty] {
            let records = try #require(try JSONValue.parseRecords(bytes))
            let guests = try GuestSummary.parseList(records: records)
            let whole = try GuestSummary.parseList(JSONValue.parse(bytes))
            #expect(!guests.isEmpty && guests == whole)
        }
        // A repeated key keeps its last value, as in a dictionary; other shapes are nil; bad JSON throws.
        let repeated = try #require(try JSONValue.parseRecords(Array(#"[{"type":"qemu","vmid":100,"node":"a","node":"b"}]"#.utf8)))
        #expect(try GuestSummary.parseList(records: repeated).first?.node == "b")
        #expect(try JSONValue.parseRecords(Array(#"{"data":[]}"#.utf8)) == nil)
        #expect(try JSONValue.parseRecords(Array("[1,2]".utf8)) == nil)
        #expect(try JSONValue.parseRecords(Array("[]".utf8))?.isEmpty == true)
        #expect(throws: (any Error).self) { _ = try JSONValue.parseRecords(Array(#"[{"a":1},"#.utf8)) }
        #expect(throws: (any Error).self) { _ = try JSONValue.parseRecords(Array(#"[{"a":1}] x"#.utf8)) }
    }
}
