import Foundation
import MCP

extension Value {
    /// The value of a `JSONSerialization` result, built directly.
    ///
    /// The SDK's `Decodable` conformance goes through `JSONDecoder` and tests every string for a
    /// `data:` URL with a regular expression compiled per string: most of a small call's CPU
    /// (notes in docs/performance.md). Numbers follow `JSONDecoder`'s reading, which the SDK's
    /// decoding of the same text gives: a number that is an exact integer (`1.0`, `1e12`) is an
    /// `int`, any other a `double`. Strings stay strings, `data:` ones included (an argument is
    /// text, never an attachment). Depth is bounded by `JSONSerialization`'s own limit of 512.
    init?(json: Any) {
        switch json {
        case is NSNull:
            self = .null
        case let text as String:
            self = .string(text)
        case let number as NSNumber:
            if JSONNumber.isBoolean(number) {
                self = .bool(number.boolValue)
            } else if let whole = JSONNumber.integer(number) {
                self = .int(whole)
            } else {
                self = .double(number.doubleValue)
            }
        case let list as [Any]:
            var values: [Value] = []
            values.reserveCapacity(list.count)
            for element in list {
                guard let value = Value(json: element) else { return nil }
                values.append(value)
            }
            self = .array(values)
        case let object as [String: Any]:
            var fields: [String: Value] = [:]
            fields.reserveCapacity(object.count)
            for (key, element) in object {
                guard let value = Value(json: element) else { return nil }
                fields[key] = value
            }
            self = .object(fields)
        default:
            return nil
        }
    }
}

/// How Foundation's `NSNumber`s from `JSONSerialization` are told apart.
enum JSONNumber {
    /// Whether Foundation decoded this number from `true`/`false` (a `char`), not from a JSON number.
    static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    /// The number as an `Int` when it is one exactly (a whole number within 64 bits), else nil.
    static func integer(_ number: NSNumber) -> Int? {
        switch String(cString: number.objCType) {
        case "d", "f": return Int(exactly: number.doubleValue)
        case "Q": return Int(exactly: number.uint64Value)
        default: return number.intValue
        }
    }
}
