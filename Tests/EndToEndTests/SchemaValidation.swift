import Foundation
import MCP
import Testing

/// A JSON Schema check of the keywords the server's schemas use (type, enum, required, properties,
/// additionalProperties, items, minimum, maximum, maxLength, pattern). Returns one line per
/// violation, with its path; empty when the value conforms.
enum SchemaValidation {
    static func violations(of value: Value, against schema: Value, at path: String = "$") -> [String] {
        guard let rules = schema.objectValue else { return [] }
        var found: [String] = []
        if let types = rules["type"].map({ $0.arrayValue?.compactMap(\.stringValue) ?? [$0.stringValue ?? ""] }),
           !types.contains(where: { matches(value, type: $0) }) {
            return ["\(path): expected \(types.joined(separator: " or ")), got \(value)"]
        }
        if let choices = rules["enum"]?.arrayValue, !choices.contains(value) {
            found.append("\(path): \(value) is not one of \(choices)")
        }
        if case let .object(fields) = value {
            for name in rules["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where fields[name] == nil {
                found.append("\(path): missing required '\(name)'")
            }
            let properties = rules["properties"]?.objectValue ?? [:]
            for (name, field) in fields {
                if let property = properties[name] {
                    found += violations(of: field, against: property, at: "\(path).\(name)")
                } else if rules["additionalProperties"] == .bool(false) {
                    found.append("\(path): unexpected '\(name)'")
                } else if let extra = rules["additionalProperties"], extra.objectValue != nil {
                    found += violations(of: field, against: extra, at: "\(path).\(name)")
                }
            }
        }
        if case let .array(items) = value, let itemSchema = rules["items"] {
            for (index, item) in items.enumerated() { found += violations(of: item, against: itemSchema, at: "\(path)[\(index)]") }
        }
        if let number = value.doubleValue ?? value.intValue.map(Double.init) {
            if let minimum = rules["minimum"].flatMap({ $0.doubleValue ?? $0.intValue.map(Double.init) }), number < minimum {
                found.append("\(path): \(number) < \(minimum)")
            }
            if let maximum = rules["maximum"].flatMap({ $0.doubleValue ?? $0.intValue.map(Double.init) }), number > maximum {
                found.append("\(path): \(number) > \(maximum)")
            }
        }
        if case let .string(text) = value {
            if let limit = rules["maxLength"]?.intValue, text.count > limit { found.append("\(path): longer than \(limit)") }
            if let pattern = rules["pattern"]?.stringValue, text.range(of: pattern, options: .regularExpression) == nil {
                found.append("\(path): '\(text)' does not match \(pattern)")
            }
        }
        return found
    }

    /// The schema with `additionalProperties: false` on every object that does not say otherwise:
    /// the published schemas stay open for forward compatibility, tests hold answers to them exactly.
    static func strict(_ schema: Value) -> Value {
        guard case var .object(rules) = schema else { return schema }
        if let properties = rules["properties"]?.objectValue {
            rules["properties"] = .object(properties.mapValues(strict))
            if rules["additionalProperties"] == nil { rules["additionalProperties"] = false }
        }
        if let items = rules["items"] { rules["items"] = strict(items) }
        return .object(rules)
    }

    static func matches(_ value: Value, type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null): true
        case ("integer", .int): true
        case let ("integer", .double(number)): number.rounded() == number
        case ("number", .int), ("number", .double): true
        default: false
        }
    }
}

@Suite struct SchemaValidationTests {
    @Test func strictForbidsUndeclaredFieldsAtEveryDepth() {
        let schema: Value = ["type": "object", "properties": ["a": ["type": "object", "properties": ["b": ["type": "integer"]]],
                                                              "m": ["type": "object", "additionalProperties": ["type": "string"]]]]
        #expect(SchemaValidation.violations(of: ["a": ["b": 1, "c": 2]], against: schema) == [])
        #expect(SchemaValidation.violations(of: ["a": ["b": 1, "c": 2], "m": ["k": "v"]], against: SchemaValidation.strict(schema)) == ["$.a: unexpected 'c'"])
    }

    /// The checker itself finds what it should, so a passing validation means something.
    @Test func findsViolations() {
        let schema: Value = ["type": "object", "required": ["a", "b"], "additionalProperties": false,
                             "properties": ["a": ["type": "integer", "minimum": 1], "b": ["type": "array", "items": ["enum": ["x"]]]]]
        #expect(SchemaValidation.violations(of: ["a": 2, "b": ["x"]], against: schema) == [])
        #expect(SchemaValidation.violations(of: ["a": 0, "b": ["y"], "c": true], against: schema).sorted() == [
            "$.a: 0.0 < 1.0", "$.b[0]: y is not one of [x]", "$: unexpected 'c'"].sorted())
        #expect(SchemaValidation.violations(of: ["a": "1"], against: schema).sorted() == [
            "$.a: expected integer, got 1", "$: missing required 'b'"].sorted())
    }
}
