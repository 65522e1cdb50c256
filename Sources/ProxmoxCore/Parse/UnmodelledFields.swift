/// The fields of a Proxmox entry that its model does not name (a newer release's field, an
/// HA or network counter, a plugin's own key), kept in the order Proxmox printed them.
/// ``JSONValue/hoistingUnmodelled()`` passes them on under their own names, so a client sees
/// what the host said even where this server has no typed field for it.
public struct UnmodelledFields: Codable, Hashable, Sendable {
    public private(set) var pairs: [(String, JSONValue)]

    /// The key a model encodes these under before they are hoisted into the model's own object.
    public static let key = "unmodelled"

    public init(_ pairs: [(String, JSONValue)] = []) { self.pairs = pairs }

    /// Every field of `entry` not in `known`; empty for anything but an object.
    public init(_ entry: JSONValue, known: Set<String>) {
        guard case let .object(fields) = entry else {
            self.pairs = []
            return
        }
        self.pairs = fields.filter { !known.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    public var isEmpty: Bool { pairs.isEmpty }

    public mutating func append(_ key: String, _ value: JSONValue) { pairs.append((key, value)) }

    /// The value of one unmodelled field.
    public subscript(key: String) -> JSONValue? { pairs.last { $0.0 == key }?.1 }

    /// The fields as one object (the last of a repeated key wins, as in JSON).
    public var object: [String: JSONValue] { Dictionary(pairs) { _, last in last } }

    /// Equal when they carry the same fields, in whatever order the host printed them.
    public static func == (lhs: UnmodelledFields, rhs: UnmodelledFields) -> Bool { lhs.object == rhs.object }

    public func hash(into hasher: inout Hasher) { hasher.combine(object) }

    public init(from decoder: any Decoder) throws {
        let object = try JSONValue(from: decoder)
        self.init(object, known: [])
    }

    public func encode(to encoder: any Encoder) throws {
        try JSONValue.object(object).encode(to: encoder)
    }
}

extension JSONValue {
    /// The value with every object's `unmodelled` member merged into that object: the fields a
    /// model did not name appear beside the ones it did, under Proxmox's own names. A modelled
    /// field of the same name wins (it is the typed reading of the same data).
    public func hoistingUnmodelled() -> JSONValue {
        switch self {
        case let .array(elements):
            return .array(elements.map { $0.hoistingUnmodelled() })
        case var .object(fields):
            let extra = fields.removeValue(forKey: UnmodelledFields.key)
            fields = fields.mapValues { $0.hoistingUnmodelled() }
            if case let .object(unmodelled)? = extra {
                for (key, value) in unmodelled where fields[key] == nil { fields[key] = value }
            }
            return .object(fields)
        default:
            return self
        }
    }
}
