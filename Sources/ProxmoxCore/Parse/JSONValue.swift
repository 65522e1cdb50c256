import Foundation

/// A JSON document as Proxmox prints it. Parsers read typed fields out of it with tolerance for
/// Proxmox's quirks (numbers as strings, booleans as 0/1, absent fields); the simulator builds
/// its output from it and renders it byte-for-byte like pvesh.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The field `key` of an object, or nil.
    public subscript(key: String) -> JSONValue? {
        if case let .object(fields) = self { return fields[key] }
        return nil
    }

    /// A string, or the text of a number.
    public var stringValue: String? {
        switch self {
        case let .string(text): text
        case let .int(number): String(number)
        default: nil
        }
    }

    /// An integer, also from an integral double or a decimal string (`"vmid":"106"` in old lxc lists).
    public var intValue: Int64? {
        switch self {
        case let .int(number): number
        case let .double(number) where number.rounded() == number && abs(number) < 9.0e18: Int64(number)
        case let .string(text): Int64(text.trimmingCharacters(in: .whitespaces))
        case let .bool(flag): flag ? 1 : 0
        default: nil
        }
    }

    /// A floating-point number, also from an integer or a numeric string.
    public var doubleValue: Double? {
        switch self {
        case let .double(number): number
        case let .int(number): Double(number)
        case let .string(text): Double(text.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    /// A boolean, also from Proxmox's 0/1 (printed by some encoders as 1.0) and its `1|on|yes|true` strings.
    public var boolValue: Bool? {
        switch self {
        case let .bool(flag): flag
        case let .int(number): number != 0
        case let .double(number) where number == 0 || number == 1: number == 1
        case let .string(text):
            switch text.lowercased() {
            case "1", "on", "yes", "true": true
            case "0", "off", "no", "false": false
            default: nil
            }
        default: nil
        }
    }

    /// The elements of an array, or nil.
    public var arrayValue: [JSONValue]? {
        if case let .array(elements) = self { return elements }
        return nil
    }
}

extension JSONValue: Decodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Int64.self) {
            self = .int(number)
        } else if let number = try? container.decode(Double.self) {
            self = .double(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let elements = try? container.decode([JSONValue].self) {
            self = .array(elements)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}

extension JSONValue: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(flag): try container.encode(flag)
        case let .int(number): try container.encode(number)
        case let .double(number): try container.encode(number)
        case let .string(text): try container.encode(text)
        case let .array(elements): try container.encode(elements)
        case let .object(fields): try container.encode(fields)
        }
    }
}

extension JSONValue {
    /// Parses one JSON document.
    public static func parse(_ bytes: some Collection<UInt8>) throws -> JSONValue {
        try JSONParser.parse(Array(bytes))
    }

    /// A JSON array of objects as each object's fields in order, for long listings read row by
    /// row; nil when the document is not an array of objects (parse it with ``parse(_:)``).
    public static func parseRecords(_ bytes: [UInt8]) throws -> [[(String, JSONValue)]]? {
        try JSONParser.parseRecords(bytes)
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements) { _, last in last })
    }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension JSONValue {
    /// A JSON number as Perl's JSON encoder prints it: whole numbers without a fraction, others
    /// with 15 significant digits. Config values typed as numbers are kept as this text.
    public static func numberText(_ number: Double) -> String {
        if number.rounded() == number, abs(number) < 1e15 { return String(Int64(number)) }
        return String(format: "%.15g", number)
    }
}
