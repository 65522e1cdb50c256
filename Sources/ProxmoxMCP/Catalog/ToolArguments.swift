import MCP
import ProxmoxCore

/// A call's arguments, checked against the tool's schema before anything runs: unknown names,
/// wrong types and out-of-range values are refused with the field named.
struct ToolArguments: Sendable {
    private let values: [String: Value]

    init(_ values: [String: Value]?, allowed: Set<String>) throws(ProxmoxError) {
        let values = values ?? [:]
        if let unknown = values.keys.sorted().first(where: { !allowed.contains($0) }) {
            let accepted = allowed.isEmpty ? "none" : allowed.sorted().joined(separator: ", ")
            throw .invalidArgument(field: String(unknown.prefix(64)), reason: "unknown argument (accepted: \(accepted))")
        }
        self.values = values
    }

    func has(_ field: String) -> Bool {
        if case nil = values[field] { return false }
        if case .null? = values[field] { return false }
        return true
    }

    /// A string argument, or nil when absent or null.
    func string(_ field: String) throws(ProxmoxError) -> String? {
        switch values[field] {
        case nil, .null?: return nil
        case let .string(text)?: return text
        default: throw .invalidArgument(field: field, reason: "expected a string")
        }
    }

    /// A JSON object argument as plain JSON values (for checking against the API schema), or empty.
    func jsonObject(_ field: String) throws(ProxmoxError) -> [String: JSONValue] {
        switch values[field] {
        case nil, .null?: return [:]
        case let .object(fields)?: return fields.mapValues(Structured.jsonValue)
        default: throw .invalidArgument(field: field, reason: "expected an object of parameter names and values")
        }
    }

    /// An array of strings, each at most `maxLength` bytes, or nil when not given.
    func stringList(_ field: String, maxCount: Int, maxLength: Int) throws(ProxmoxError) -> [String]? {
        switch values[field] {
        case nil, .null?: return nil
        case let .array(items)?:
            guard items.count <= maxCount else { throw .invalidArgument(field: field, reason: "at most \(maxCount) items") }
            var strings: [String] = []
            for (index, item) in items.enumerated() {
                guard case let .string(text) = item else { throw .invalidArgument(field: "\(field)[\(index)]", reason: "expected a string") }
                guard text.utf8.count <= maxLength, !text.contains("\0") else {
                    throw .invalidArgument(field: "\(field)[\(index)]", reason: "longer than \(maxLength) bytes or contains NUL")
                }
                strings.append(text)
            }
            return strings
        default: throw .invalidArgument(field: field, reason: "expected an array of strings")
        }
    }

    /// An object of string values, or empty when not given.
    func stringObject(_ field: String) throws(ProxmoxError) -> [String: String] {
        switch values[field] {
        case nil, .null?: return [:]
        case let .object(fields)?:
            var strings: [String: String] = [:]
            for (key, value) in fields {
                guard case let .string(text) = value else { throw .invalidArgument(field: "\(field).\(key.prefix(20))", reason: "expected a string") }
                strings[key] = text
            }
            return strings
        default: throw .invalidArgument(field: field, reason: "expected an object")
        }
    }

    func requiredString(_ field: String) throws(ProxmoxError) -> String {
        guard let text = try string(field) else { throw .invalidArgument(field: field, reason: "is required") }
        return text
    }

    /// An integer argument within `range` (a whole-number double is accepted, as JSON has one number type).
    func integer(_ field: String, in range: ClosedRange<Int>) throws(ProxmoxError) -> Int? {
        let number: Int
        switch values[field] {
        case nil, .null?: return nil
        case let .int(value)?: number = value
        case let .double(value)? where value.rounded() == value && abs(value) < 1e15: number = Int(value)
        default: throw .invalidArgument(field: field, reason: "expected an integer")
        }
        guard range.contains(number) else {
            throw .invalidArgument(field: field, reason: "\(number) is outside \(range.lowerBound)-\(range.upperBound)")
        }
        return number
    }

    func bool(_ field: String) throws(ProxmoxError) -> Bool? {
        switch values[field] {
        case nil, .null?: return nil
        case let .bool(flag)?: return flag
        default: throw .invalidArgument(field: field, reason: "expected true or false")
        }
    }

    func vmid(_ field: String = "vmid") throws(ProxmoxError) -> VMID? {
        guard let number = try integer(field, in: Int.min...Int.max) else { return nil }
        do { return try VMID(number) } catch { throw .invalidArgument(field: field, reason: "\(number) is outside 100-999999999") }
    }

    func requiredVMID(_ field: String = "vmid") throws(ProxmoxError) -> VMID {
        guard let vmid = try vmid(field) else { throw .invalidArgument(field: field, reason: "is required") }
        return vmid
    }

    /// A node argument as the user wrote it (matched against the cluster later), after a syntax check.
    func nodeText(_ field: String = "node") throws(ProxmoxError) -> String? {
        guard let text = try string(field) else { return nil }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.allSatisfy({ (try? NodeName(String($0))) != nil }), text.count <= 255 else {
            throw .invalidArgument(field: field, reason: "'\(text.prefix(64))' is not a node name (letters, digits and inner '-')")
        }
        return text
    }

    func text(_ field: String, maxLength: Int = 8192, allowNewlines: Bool = true) throws(ProxmoxError) -> FreeText? {
        guard let value = try string(field) else { return nil }
        return try FreeText(value, field: field, maxLength: maxLength, allowNewlines: allowNewlines)
    }

    /// One of a fixed set of words.
    func choice(_ field: String, _ allowed: [String]) throws(ProxmoxError) -> String? {
        guard let text = try string(field) else { return nil }
        guard allowed.contains(text) else {
            throw .invalidArgument(field: field, reason: "'\(text.prefix(40))' is not one of \(allowed.joined(separator: ", "))")
        }
        return text
    }

    /// An object of config options: values may be strings, numbers or booleans (as 0/1).
    func configMap(_ field: String) throws(ProxmoxError) -> [ConfigKey: FreeText] {
        switch values[field] {
        case nil, .null?: return [:]
        case let .object(object)?:
            var result: [ConfigKey: FreeText] = [:]
            for (key, value) in object {
                let configKey = try ConfigKey(key, field: "\(field).\(key.prefix(40))")
                let text: String
                switch value {
                case let .string(string): text = string
                case let .int(number): text = String(number)
                case let .double(number): text = String(number)
                case let .bool(flag): text = flag ? "1" : "0"
                default: throw .invalidArgument(field: "\(field).\(key)", reason: "expected a string, number or boolean")
                }
                // Config values are one line; only the description may span several.
                result[configKey] = try FreeText(text, field: "\(field).\(key)", allowNewlines: key == "description")
            }
            return result
        default:
            throw .invalidArgument(field: field, reason: "expected an object of option names to values")
        }
    }

    /// An array of config keys.
    func keyList(_ field: String) throws(ProxmoxError) -> [ConfigKey] {
        switch values[field] {
        case nil, .null?: return []
        case let .array(items)?:
            return try items.enumerated().map { index, item throws(ProxmoxError) in
                guard case let .string(text) = item else { throw .invalidArgument(field: "\(field)[\(index)]", reason: "expected a string") }
                return try ConfigKey(text, field: "\(field)[\(index)]")
            }
        default:
            throw .invalidArgument(field: field, reason: "expected an array of option names")
        }
    }

    /// An array of guest ids: at least one, at most `limit`, no repeats.
    func vmidList(_ field: String, limit: Int) throws(ProxmoxError) -> [VMID] {
        guard case let .array(items)? = values[field] else {
            throw .invalidArgument(field: field, reason: has(field) ? "expected an array of guest ids" : "is required")
        }
        guard (1...limit).contains(items.count) else { throw .invalidArgument(field: field, reason: "give 1 to \(limit) guest ids") }
        var ids: [VMID] = []
        for (index, item) in items.enumerated() {
            let number: Int
            switch item {
            case let .int(value): number = value
            case let .double(value) where value.rounded() == value && abs(value) < 1e15: number = Int(value)
            default: throw .invalidArgument(field: "\(field)[\(index)]", reason: "expected an integer")
            }
            guard let vmid = try? VMID(number) else { throw .invalidArgument(field: "\(field)[\(index)]", reason: "\(number) is outside 100-999999999") }
            guard !ids.contains(vmid) else { throw .invalidArgument(field: "\(field)[\(index)]", reason: "\(number) is given twice") }
            ids.append(vmid)
        }
        return ids
    }
}
