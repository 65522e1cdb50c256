import Foundation

/// Encodes a model straight into a ``JSONValue``: the value that `JSONValue.parse(JSONEncoder()
/// .encode(model))` gives, without writing the text and reading it back, which was a third of the
/// server's own time per tool call (docs/performance.md). Numbers come out as that round trip
/// makes them: an integral value that fits is an integer, whatever its Swift type. Tests compare
/// the two on every model the tools return and on values made to find the edges.
public enum JSONValueEncoder {
    public static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let root = Node()
        try root.set(value, codingPath: [])
        return root.value
    }

    /// An integer as the text round trip reads it back.
    static func integer<I: BinaryInteger>(_ number: I) -> JSONValue {
        if let exact = Int64(exactly: number) { return .int(exact) }
        return floating(Double(number))
    }

    /// A finite floating-point number as `JSONEncoder` writes it: its shortest description without
    /// a trailing ".0" (tested against the encoder on 200,000 values while writing this).
    public static func text<F: BinaryFloatingPoint & CustomStringConvertible>(of number: F) -> String {
        var text = number.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    /// A floating-point number as the encoder writes it and the parser reads that back: an
    /// integral value within Int64's range is an integer.
    static func floating<F: BinaryFloatingPoint & CustomStringConvertible>(_ number: F) -> JSONValue {
        let read = Double(text(of: number)) ?? Double(number)
        if read.rounded() == read, abs(read) < 9.223372036854775e18 { return .int(Int64(read)) }
        return .double(read)
    }

    /// A value already in JSON form, with its numbers as the round trip would make them.
    static func normalized(_ value: JSONValue) -> JSONValue {
        switch value {
        case let .double(number): floating(number)
        case let .array(items): .array(items.map(normalized))
        case let .object(fields): .object(fields.mapValues(normalized))
        default: value
        }
    }
}

/// One value being built: a scalar, or an object or array whose members are built in place.
private final class Node {
    var scalar: JSONValue?
    var object: [String: Node]?
    var array: [Node]?

    var value: JSONValue {
        if let object { return .object(object.mapValues(\.value)) }
        if let array { return .array(array.map(\.value)) }
        return scalar ?? .object([:])
    }

    func set<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
        // By the static type, not by dynamic casts (`as?` to Foundation's bridged types was a tenth
        // of a tool call's time).
        if T.self == String.self {
            scalar = .string(value as! String)
        } else if T.self == JSONValue.self {
            scalar = JSONValueEncoder.normalized(value as! JSONValue)
        } else if T.self == Data.self || T.self == Date.self || T.self == URL.self || T.self == Decimal.self {
            // Types the encoder writes in forms of its own (base64, seconds, a URL string, decimal text).
            scalar = try JSONValue.parse(JSONEncoder().encode(value))
        } else {
            // Numbers and flags arrive through a single-value container, models through keyed ones.
            try value.encode(to: TreeEncoder(node: self, codingPath: codingPath))
        }
    }

    /// A floating-point number, refused as the encoder refuses it when it is not finite.
    static func checked<F: BinaryFloatingPoint & CustomStringConvertible>(_ number: F, _ codingPath: [any CodingKey]) throws -> JSONValue {
        guard number.isFinite else {
            throw EncodingError.invalidValue(number, .init(codingPath: codingPath, debugDescription: "\(number) is not a JSON number"))
        }
        return JSONValueEncoder.floating(number)
    }

    func child(_ key: any CodingKey) -> Node {
        let node = Node()
        if object == nil { object = [:] }
        object![key.stringValue] = node
        return node
    }

    func appended() -> Node {
        let node = Node()
        if array == nil { array = [] }
        array!.append(node)
        return node
    }
}

private struct TreeEncoder: Encoder {
    let node: Node
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if node.object == nil { node.object = [:] }
        return KeyedEncodingContainer(KeyedTree(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if node.array == nil { node.array = [] }
        return UnkeyedTree(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleTree(node: node, codingPath: codingPath) }
}

private struct KeyedTree<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: Node
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { node.child(key).scalar = .null }
    mutating func encode(_ value: Bool, forKey key: Key) throws { node.child(key).scalar = .bool(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { node.child(key).scalar = .string(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { node.child(key).scalar = try Node.checked(value, codingPath + [key]) }
    mutating func encode(_ value: Float, forKey key: Key) throws { node.child(key).scalar = try Node.checked(value, codingPath + [key]) }
    mutating func encode(_ value: Int, forKey key: Key) throws { node.child(key).scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { node.child(key).scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { node.child(key).scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { node.child(key).scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { node.child(key).scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { node.child(key).scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { node.child(key).scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { node.child(key).scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { node.child(key).scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { node.child(key).scalar = JSONValueEncoder.integer(value) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try node.child(key).set(value, codingPath: codingPath + [key]) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        TreeEncoder(node: node.child(key), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        TreeEncoder(node: node.child(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        TreeEncoder(node: node.child(SuperKey.super), codingPath: codingPath + [SuperKey.super])
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder { TreeEncoder(node: node.child(key), codingPath: codingPath + [key]) }
}

private struct UnkeyedTree: UnkeyedEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]
    var count: Int { node.array?.count ?? 0 }

    mutating func encodeNil() throws { node.appended().scalar = .null }
    mutating func encode(_ value: Bool) throws { node.appended().scalar = .bool(value) }
    mutating func encode(_ value: String) throws { node.appended().scalar = .string(value) }
    mutating func encode(_ value: Double) throws { node.appended().scalar = try Node.checked(value, codingPath) }
    mutating func encode(_ value: Float) throws { node.appended().scalar = try Node.checked(value, codingPath) }
    mutating func encode(_ value: Int) throws { node.appended().scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: Int8) throws { node.appended().scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: Int16) throws { node.appended().scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: Int32) throws { node.appended().scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: Int64) throws { node.appended().scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: UInt) throws { node.appended().scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: UInt8) throws { node.appended().scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: UInt16) throws { node.appended().scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: UInt32) throws { node.appended().scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: UInt64) throws { node.appended().scalar = JSONValueEncoder.integer(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try node.appended().set(value, codingPath: codingPath) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        TreeEncoder(node: node.appended(), codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        TreeEncoder(node: node.appended(), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { TreeEncoder(node: node.appended(), codingPath: codingPath) }
}

private struct SingleTree: SingleValueEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.scalar = .null }
    mutating func encode(_ value: Bool) throws { node.scalar = .bool(value) }
    mutating func encode(_ value: String) throws { node.scalar = .string(value) }
    mutating func encode(_ value: Double) throws { node.scalar = try Node.checked(value, codingPath) }
    mutating func encode(_ value: Float) throws { node.scalar = try Node.checked(value, codingPath) }
    mutating func encode(_ value: Int) throws { node.scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: Int8) throws { node.scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: Int16) throws { node.scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: Int32) throws { node.scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: Int64) throws { node.scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: UInt) throws { node.scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: UInt8) throws { node.scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: UInt16) throws { node.scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: UInt32) throws { node.scalar = JSONValueEncoder.integer(value) }
    mutating func encode(_ value: UInt64) throws { node.scalar = JSONValueEncoder.integer(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try node.set(value, codingPath: codingPath) }
}

/// The key of `superEncoder()`, as Foundation names it.
private enum SuperKey: String, CodingKey {
    case `super`
}
