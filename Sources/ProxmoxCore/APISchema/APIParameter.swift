import Foundation

/// One parameter of an endpoint, as the schema declares it, and the check of a value against it.
public struct APIParameter: Sendable, Hashable {
    public let name: String
    /// `string`, `integer`, `number`, `boolean` or `array`.
    public let type: String
    /// A named format (`pve-node`, `pve-vmid`, `pve-configid-list`, ...), `property string` for the
    /// formats that are `key=value,...` objects, or nil.
    public let format: String?
    public let pattern: String?
    public let choices: [String]?
    public let minimum: Double?
    public let maximum: Double?
    public let maxLength: Int?
    public let defaultValue: JSONValue?
    public let optional: Bool
    public let description: String
    /// A variable of the path (`{node}`), not an option.
    public let inPath: Bool
    /// For `array` parameters: the items' schema.
    let items: JSONValue?

    init(name: String, schema: JSONValue, inPath: Bool) {
        self.name = name
        type = schema["type"]?.stringValue ?? "string"
        switch schema["format"] {
        case let .string(text)?: format = text
        case .object?: format = "property string"
        default: format = nil
        }
        pattern = schema["pattern"]?.stringValue
        choices = schema["enum"]?.arrayValue?.compactMap(\.stringValue)
        minimum = schema["minimum"]?.doubleValue
        maximum = schema["maximum"]?.doubleValue
        maxLength = schema["maxLength"]?.intValue.map(Int.init)
        defaultValue = schema["default"]
        optional = schema["optional"]?.boolValue == true
        description = schema["description"]?.stringValue ?? ""
        self.inPath = inPath
        items = schema["items"]
    }

    /// The value as pvesh takes it (one text per item; booleans as 0/1), or the refusal naming the
    /// parameter and the rule it breaks.
    public func texts(_ value: JSONValue) throws(ProxmoxError) -> [String] {
        if type == "array" {
            let elements = value.arrayValue ?? [value]
            let item = APIParameter(name: name, schema: items ?? .object(["type": "string"]), inPath: false)
            var texts: [String] = []
            for element in elements { texts += try item.texts(element) }
            return texts
        }
        return [try text(value)]
    }

    func text(_ value: JSONValue) throws(ProxmoxError) -> String {
        switch type {
        case "boolean":
            guard let flag = value.boolValue else { throw refused("is a boolean (true/false or 1/0), not \(shown(value))") }
            return flag ? "1" : "0"
        case "integer":
            guard let number = value.intValue, value.doubleValue.map({ $0.rounded() == $0 }) ?? true else {
                throw refused("is a whole number, not \(shown(value))")
            }
            try checkRange(Double(number))
            return String(number)
        case "number":
            guard let number = value.doubleValue, number.isFinite else { throw refused("is a number, not \(shown(value))") }
            try checkRange(number)
            return JSONValue.numberText(number)
        default:
            guard let text = value.stringValue else { throw refused("is text, not \(shown(value))") }
            try checkText(text)
            return text
        }
    }

    private func checkRange(_ number: Double) throws(ProxmoxError) {
        if let minimum, number < minimum { throw refused("is at least \(JSONValue.numberText(minimum))") }
        if let maximum, number > maximum { throw refused("is at most \(JSONValue.numberText(maximum))") }
    }

    private func checkText(_ text: String) throws(ProxmoxError) {
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw refused("may not contain control characters (newlines, tabs, NUL)")
        }
        let limit = maxLength ?? 4096
        if text.count > limit { throw refused("is at most \(limit) characters long") }
        if let choices {
            guard choices.contains(text) else { throw refused("is one of \(choices.joined(separator: ", ")), not '\(text.prefix(40))'") }
            return
        }
        if let format, let rule = APIFormats.rule(format) {
            if !rule.accepts(text) { throw refused("'\(text.prefix(60))' is not \(rule.meaning) (format \(format))") }
        }
        if let pattern, !APIFormats.matches(text, pattern: pattern) {
            throw refused("'\(text.prefix(60))' does not match its pattern \(pattern)")
        }
        // A volume id holds slashes (`nas:backup/vzdump-...`); no part of it may be `.` or `..`.
        let parts = ["volume", "volid"].contains(name) ? text.split(separator: "/", omittingEmptySubsequences: false).map(String.init) : [text]
        if inPath, !parts.allSatisfy({ APIFormats.pathSafe($0) && $0 != "." && $0 != ".." }) {
            throw refused("'\(text.prefix(60))' cannot stand in a path (letters, digits, -_.:@=+,! only)")
        }
    }

    private func refused(_ reason: String) -> ProxmoxError { .invalidArgument(field: name, reason: reason) }

    private func shown(_ value: JSONValue) -> String {
        switch value {
        case let .string(text): "'\(text.prefix(40))'"
        case .array: "a list"
        case .object: "an object"
        case .null: "null"
        case let .double(number): JSONValue.numberText(number)
        default: value.stringValue ?? "that"
        }
    }

    /// `integer, 100-999999999, default 1`: the parameter's rule in a few words.
    public var summary: String {
        var parts = [type]
        if let format { parts.append(format) }
        if let choices { parts.append("one of " + choices.joined(separator: "|")) }
        if minimum != nil || maximum != nil {
            parts.append("\(minimum.map(JSONValue.numberText) ?? "")-\(maximum.map(JSONValue.numberText) ?? "")")
        }
        if let pattern { parts.append("pattern \(pattern)") }
        if let maxLength { parts.append("≤ \(maxLength) chars") }
        if let defaultValue, let text = defaultValue.stringValue { parts.append("default \(text)") }
        if !optional && !inPath { parts.append("required") }
        return parts.joined(separator: ", ")
    }
}
