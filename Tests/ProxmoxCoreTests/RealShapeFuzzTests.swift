import Foundation
import ProxmoxCore
import Testing
import TestSupport

/// The real listings of `Fixtures/real/`, varied the ways real hosts vary them: numbers and flags
/// in the other forms PVE versions print (`"106"`, `"1"`, `true`, `12.0`), tags with `,` or spaces,
/// unknown keys added, fields removed, and now and then an entry broken outright. A list must never
/// fail as a whole: every entry is either read (with the same typed values as the original, where
/// only the form changed) or left out with its reason recorded.
@Suite struct RealShapeFuzzTests {
    static let rounds = 300

    /// A listing parser and the real files it reads; `key` is what identifies an entry in the file
    /// and in the typed value, `readable` says whether an entry is one the parser types at all.
    struct Listing: Sendable, CustomTestStringConvertible {
        let name: String
        let files: [String]
        let required: [String]
        let readable: @Sendable (JSONValue) -> Bool
        let parse: @Sendable (JSONValue) throws(ParseFailure) -> [String: JSONValue]
        var testDescription: String { name }
    }

    /// Each parser's typed entries by key, as JSON of their typed fields (unmodelled ones dropped).
    static func typed<T: Encodable>(_ values: [T], key: (T) -> String) -> [String: JSONValue] {
        Dictionary(values.map { value in
            var json = try! JSONValue.parse(JSONEncoder().encode(value))
            if case var .object(fields) = json {
                fields[UnmodelledFields.key] = nil
                json = .object(fields)
            }
            return (key(value), json)
        }) { first, _ in first }
    }

    static let listings: [Listing] = [
        Listing(name: "guests", files: ["go-proxmox/pvesh-get-cluster-resources.pve8.json", "packer-plugin-proxmox/pvesh-get-cluster-resources-type-vm.pve8.json",
                                       "ansible-community-proxmox/pvesh-get-cluster-resources-type-vm.json"],
                required: ["vmid", "node", "type"],
                readable: { ["qemu", "lxc"].contains($0["type"]?.stringValue ?? "") },
                parse: { document throws(ParseFailure) in typed(try GuestSummary.parseList(document)) { String($0.vmid) } }),
        Listing(name: "nodes", files: ["go-proxmox/pvesh-get-nodes.pve8.json", "unattributed/k3s-checklist/pvesh-get-nodes.pve8.json"],
                required: ["node"], readable: { _ in true },
                parse: { document throws(ParseFailure) in typed(try NodeSummary.parseList(document)) { $0.node } }),
        Listing(name: "node storage", files: ["home-assistant/pvesh-get-nodes-NODE-storage.pve8.json", "fog-proxmox/pvesh-get-nodes-pve-storage.pve5.json"],
                required: ["storage"], readable: { _ in true },
                parse: { document throws(ParseFailure) in typed(try StorageSummary.parseNodeList(document, node: "pve")) { $0.storage } }),
        Listing(name: "cluster storage", files: ["go-proxmox/pvesh-get-cluster-resources.pve8.json"],
                required: ["storage", "node", "type"], readable: { $0["type"]?.stringValue == "storage" },
                parse: { document throws(ParseFailure) in typed(try StorageSummary.parseResources(document)) { "\($0.node)/\($0.storage)" } }),
        Listing(name: "cluster members", files: ["go-proxmox/pvesh-get-cluster-status.pve8.json", "fog-proxmox/pvesh-get-cluster-status.standalone.pve6.json"],
                required: ["name", "type"], readable: { $0["type"]?.stringValue == "node" },
                parse: { document throws(ParseFailure) in typed(try ClusterStatusReport.parse(document).nodes) { $0.name } }),
        Listing(name: "tasks", files: ["ansible-community-general/pvesh-get-nodes-NODE-tasks.pve6.json", "fog-proxmox/pvesh-get-nodes-pve-tasks.pve5.json",
                                       "home-assistant/pvesh-get-nodes-NODE-tasks.pve9.json"],
                required: ["upid"], readable: { _ in true },
                parse: { document throws(ParseFailure) in
                    let output = CommandOutput(stdout: Array(try! JSONEncoder().encode(document)), stderr: [], exitStatus: 0)
                    return typed(try TaskList(node: nil, filter: TaskFilter(limit: 1000)).parse(output, family: .api)) { $0.upid }
                }),
    ]

    /// The key of a raw entry, as its typed value carries it.
    static func key(_ listing: Listing, _ entry: JSONValue) -> String? {
        switch listing.name {
        case "guests": entry["vmid"]?.intValue.map(String.init)
        case "nodes": entry["node"]?.stringValue
        case "node storage": entry["storage"]?.stringValue
        case "cluster storage": entry["node"]?.stringValue.flatMap { node in entry["storage"]?.stringValue.map { "\(node)/\($0)" } }
        case "cluster members": entry["name"]?.stringValue
        default: entry["upid"]?.stringValue
        }
    }

    /// Flags Proxmox prints as 0/1 (and some versions as booleans or strings).
    static let flags: Set<String> = ["template", "shared", "active", "enabled", "online", "local", "quorate"]

    /// The same value in another form a PVE version prints; nil when there is none.
    static func otherForm(_ key: String, _ value: JSONValue, _ generator: inout SeededGenerator) -> JSONValue? {
        switch value {
        case let .int(number) where flags.contains(key) && generator.below(2) == 0: return .bool(number != 0)
        case let .int(number): return generator.below(2) == 0 ? .string(String(number)) : .double(Double(number))
        case let .double(number): return .string(JSONValue.numberText(number))
        case let .string(text) where key == "tags" && text.contains(";"):
            let parts = text.split(separator: ";").map { JSONValue.string(String($0)) }
            return [.string(text.replacingOccurrences(of: ";", with: ",")), .string(text.replacingOccurrences(of: ";", with: " ")), .array(parts)][generator.below(3)]
        // Some clients and versions give a storage's content as a list, or with spaces after commas.
        case let .string(text) where key == "content" && !text.isEmpty:
            let parts = text.split(separator: ",")
            return generator.below(2) == 0 ? .array(parts.map { .string(String($0)) }) : .string(parts.joined(separator: ", "))
        case let .string(text) where Int64(text) != nil: return .int(Int64(text)!)
        default: return nil
        }
    }

    enum Change { case form, unknownKey, removedOptional, broken }

    /// The fields two typed entries disagree on.
    static func difference(_ found: JSONValue?, _ expected: JSONValue) -> String {
        guard case let .object(a)? = found, case let .object(b) = expected else { return "\(found.map { "\($0)" } ?? "absent")" }
        return Set(a.keys).union(b.keys).sorted().filter { a[$0] != b[$0] }.map { "\($0): \(a[$0].map { "\($0)" } ?? "-") vs \(b[$0].map { "\($0)" } ?? "-")" }.joined(separator: ", ")
    }

    @Test(arguments: listings) func aListNeverFailsWhole(_ listing: Listing) throws {
        var generator = SeededGenerator(seed: 0x5EA1_0017)
        for file in listing.files {
            let original = try JSONValue.parse(Paths.fixtureBytes("real/" + file))
            let entries = try #require(original.arrayValue)
            let baseline = try listing.parse(original)
            for round in 0..<Self.rounds {
                var changed = entries
                var changes: [String: Change] = [:]
                for index in entries.indices where listing.readable(entries[index]) && generator.below(3) == 0 {
                    guard case var .object(fields) = entries[index], let id = Self.key(listing, entries[index]) else { continue }
                    let change: Change = [.form, .form, .unknownKey, .removedOptional, .broken][generator.below(5)]
                    switch change {
                    case .form:
                        for name in fields.keys.sorted() where generator.below(2) == 0 {
                            if let other = Self.otherForm(name, fields[name]!, &generator) { fields[name] = other }
                        }
                    case .unknownKey:
                        fields["x-new-\(round)"] = [.int(1), .string("a"), .null, .array([]), .object(["k": "v"])][generator.below(5)]
                    case .removedOptional:
                        let optional = fields.keys.filter { !listing.required.contains($0) }.sorted()
                        if !optional.isEmpty { fields[optional[generator.below(optional.count)]] = nil }
                    case .broken:
                        let required = listing.required.filter { fields[$0] != nil && $0 != "type" }
                        if required.isEmpty || generator.below(4) == 0 {
                            changed[index] = [.string("not an entry"), .null, .array([.int(1)])][generator.below(3)]
                            changes[id] = .broken
                            continue
                        }
                        fields[required[generator.below(required.count)]] = generator.below(2) == 0 ? nil : .array([])
                    }
                    changed[index] = .object(fields)
                    changes[id] = change
                }
                let (read, skipped) = try ParseProblems.collect { () throws(ParseFailure) in try listing.parse(.array(changed)) }
                let brokenCount = changes.values.filter { $0 == .broken }.count
                #expect(skipped.count == brokenCount, "\(listing.name) \(file) round \(round): skipped \(skipped)")
                for (id, value) in baseline {
                    switch changes[id] {
                    case .broken?: #expect(read[id] == nil, "\(listing.name) \(file) round \(round): broken \(id) was read")
                    case .form?, .unknownKey?, nil:
                        #expect(read[id] == value, "\(listing.name) \(file) round \(round): \(id) read differently: \(Self.difference(read[id], value)); entry \(changed.first { Self.key(listing, $0) == id }.map { "\($0)" } ?? "?")")
                    case .removedOptional?: #expect(read[id] != nil, "\(listing.name) \(file) round \(round): \(id) lost")
                    }
                }
            }
        }
    }
}
