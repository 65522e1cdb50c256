import Foundation
import MCP
import ProxmoxCore
import PVESimulator
import Testing

/// `JSONValueEncoder` builds the value the text round trip builds (`JSONEncoder`, then
/// `JSONValue.parse`), number forms included: on the models the engine returns from the simulator
/// and on a value holding every kind of field the encoder treats in its own way.
@Suite struct JSONValueEncoderTests {
    static func roundTrip<T: Encodable>(_ value: T) throws -> JSONValue {
        try JSONValue.parse(JSONEncoder().encode(value))
    }

    static func check<T: Encodable>(_ value: T, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try JSONValueEncoder.encode(value) == (try roundTrip(value)), "\(label)", sourceLocation: sourceLocation)
    }

    @Test func theEngineModelsComeOutAsTheirTextRoundTrip() async throws {
        let engine = ProxmoxEngine(runner: SimulatedRunner(store: StateStore()))
        let guests = try await engine.listGuests().value
        try Self.check(guests, "guests")
        try Self.check(try await engine.listNodes().value, "nodes")
        try Self.check(try await engine.clusterStatus().value, "cluster status")
        try Self.check(try await engine.storageList(node: nil).value, "storage")
        try Self.check(try await engine.read(TaskList(node: nil, filter: TaskFilter())).value, "tasks")
        let online = Set(try await engine.listNodes().value.filter { $0.status == "online" }.map(\.node))
        for node in online.sorted() {
            try Self.check(try await engine.nodeStatus(try NodeName(node)).value, "node status \(node)")
        }
        // A guest of an offline node answers only an error (as pvesh does).
        for guest in guests where online.contains(guest.node) {
            let ref = GuestRef(kind: guest.type, vmid: try VMID(guest.vmid), node: try NodeName(guest.node))
            try Self.check(try await engine.config(ref, transport: .api).value, "config \(guest.vmid)")
            try Self.check(try await engine.snapshots(ref).value, "snapshots \(guest.vmid)")
        }
    }

    struct Probe: Encodable {
        var text = "a \"quoted\" \\ / line\n"
        var flag = true
        var none: Int? = nil
        var whole = 2.0
        var negativeZero = -0.0
        var fraction = 0.041
        var tiny = 1e-7
        var large = 1e16
        var huge = 1e19
        var single: Float = 0.1
        var singleWhole: Float = 3
        var small: Int8 = -8
        var wide = UInt64.max
        var widest = Int64.min
        var keyed: [Int: String] = [100: "a", 7: "b"]
        var list: [[Double]] = [[1.5, 2], []]
        var json: JSONValue = ["cpu": .double(1.0), "load": .double(0.25), "nested": [.double(3.0), "x"]]
        var bytes = Data("hi".utf8)
        var when = Date(timeIntervalSinceReferenceDate: 12.5)
        var link = URL(string: "https://pve1.example.lan:8006/")!
        var amount = Decimal(string: "12.50")!
        var unmodelled = UnmodelledFields([("level", ""), ("maxcpu", .double(8.0))])
    }

    class Base: Encodable {
        var id = 1
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
        }
        enum CodingKeys: String, CodingKey { case id }
    }

    final class Derived: Base {
        var extra = "x"
        override func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(extra, forKey: .extra)
            try super.encode(to: container.superEncoder())
            var list = container.nestedUnkeyedContainer(forKey: .list)
            try list.encode(1.0)
            try list.encodeNil()
            var inner = list.nestedContainer(keyedBy: Keys.self)
            try inner.encode(Float(2.5), forKey: .extra)
        }
        enum Keys: String, CodingKey { case extra, list }
    }

    @Test func everyKindOfFieldComesOutAsItsTextRoundTrip() throws {
        try Self.check(Probe(), "probe")
        try Self.check([Probe(), Probe()], "probes")
        try Self.check(Derived(), "super encoder, nested containers")
        try Self.check(Optional<Int>.none, "top-level nil")
        try Self.check(42, "top-level integer")
    }

    @Test func aNumberThatIsNotFiniteIsRefusedAsTheEncoderRefusesIt() {
        #expect(throws: EncodingError.self) { try JSONValueEncoder.encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try JSONEncoder().encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try JSONValueEncoder.encode(["x": Float.infinity]) }
    }
}
