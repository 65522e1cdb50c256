import MCP
import ProxmoxCore

/// One argument of a tool, declared once: the JSON Schema property that `tools/list` shows (type,
/// range, default, unit and meaning) and the typed, validated value a call gets, both built from
/// the same model type (``VMID``, ``SnapshotName``, ``StorageID``), so the two cannot drift.
struct Argument<T: Sendable>: Sendable {
    let name: String
    let property: Value
    let isRequired: Bool
    let read: @Sendable (ToolArguments, String) throws -> T

    init(_ name: String, _ property: Value, required: Bool = false, read: @escaping @Sendable (ToolArguments, String) throws -> T) {
        self.name = name
        self.property = property
        isRequired = required
        self.read = read
    }

    /// The same argument under another name and meaning (e.g. `target_storage` from `storage`).
    func renamed(_ name: String, _ description: String) -> Argument<T> {
        var property = self.property.objectValue ?? [:]
        property["description"] = .string(description)
        return Argument(name, .object(property), required: isRequired, read: read)
    }

    var erased: AnyArgument { AnyArgument(name: name, property: property, isRequired: isRequired) }
}

/// What the catalog keeps of an argument: its name and schema property.
struct AnyArgument: Sendable {
    let name: String
    let property: Value
    let isRequired: Bool
}

/// A schema property: a type, its constraints and a description.
/// The default is said in the description; `enum` implies the type, so it is not repeated.
private func schemaProperty(_ type: String, _ description: String, _ extra: [String: Value] = [:], typed: Bool = true) -> Value {
    var property = extra.merging(["description": .string(description)]) { $1 }
    property["default"] = nil
    if typed && extra["enum"] == nil { property["type"] = .string(type) }
    return .object(property)
}

extension Argument where T == Int {
    /// A whole number within `range`; `unit` and `defaultValue` are named in the description.
    static func integer(_ name: String, _ description: String, unit: String, range: ClosedRange<Int>, default defaultValue: Int) -> Self {
        Argument(name, schemaProperty("integer", "\(description), \(unit); default \(defaultValue)",
                                ["minimum": .int(range.lowerBound), "maximum": .int(range.upperBound), "default": .int(defaultValue)])) { arguments, name in
            try arguments.integer(name, in: range) ?? defaultValue
        }
    }
}

extension Argument where T == Int? {
    static func integer(_ name: String, _ description: String, range: ClosedRange<Int>) -> Self {
        Argument(name, schemaProperty("integer", description, ["minimum": .int(range.lowerBound), "maximum": .int(range.upperBound)])) { arguments, name in
            try arguments.integer(name, in: range)
        }
    }
}

extension Argument where T == Bool {
    static func flag(_ name: String, _ description: String, default defaultValue: Bool) -> Self {
        Argument(name, schemaProperty("boolean", "\(description); default \(defaultValue)", ["default": .bool(defaultValue)])) { arguments, name in
            try arguments.bool(name) ?? defaultValue
        }
    }
}

extension Argument where T == Bool? {
    /// A boolean whose absence means something of its own (said in the description).
    static func flag(_ name: String, _ description: String) -> Self {
        Argument(name, schemaProperty("boolean", description)) { arguments, name in try arguments.bool(name) }
    }
}

extension Argument where T == VMID {
    static func vmid(_ name: String = "vmid", _ description: String = "Guest id") -> Self {
        Argument(name, schemaProperty("integer", description, ["minimum": .int(VMID.minimum), "maximum": .int(VMID.maximum)]), required: true) { arguments, name in
            try arguments.requiredVMID(name)
        }
    }
}

extension Argument where T == VMID? {
    static func vmid(_ name: String, _ description: String) -> Self {
        Argument(name, schemaProperty("integer", description, ["minimum": .int(VMID.minimum), "maximum": .int(VMID.maximum)])) { arguments, name in
            try arguments.vmid(name)
        }
    }
}

extension Argument where T == [VMID] {
    /// One or more guest ids, each once.
    static func vmids(_ name: String, _ description: String, limit: Int) -> Self {
        Argument(name, schemaProperty("array", "\(description) (1-\(limit), each once)", [
            "items": ["type": "integer", "minimum": .int(VMID.minimum), "maximum": .int(VMID.maximum)],
            "minItems": 1, "maxItems": .int(limit), "uniqueItems": true,
        ]), required: true) { arguments, name in
            try arguments.vmidList(name, limit: limit)
        }
    }
}

extension Argument where T == SnapshotName {
    static func snapshot(_ description: String = "Snapshot name") -> Self {
        Argument("snapshot", schemaProperty("string", description, ["pattern": .string(SnapshotName.pattern), "maxLength": .int(SnapshotName.maxLength)]),
                 required: true) { arguments, name in
            try SnapshotName(try arguments.requiredString(name), field: name)
        }
    }
}

extension Argument where T == StorageID {
    static func storage(_ name: String, _ description: String, default defaultValue: String? = nil) -> Self {
        var extra: [String: Value] = ["pattern": .string(StorageID.pattern)]
        if let defaultValue { extra["default"] = .string(defaultValue) }
        return Argument(name, schemaProperty("string", description + (defaultValue.map { "; default \($0)" } ?? ""), extra),
                        required: defaultValue == nil) { arguments, name in
            guard let text = try arguments.string(name) ?? defaultValue else { throw ProxmoxError.invalidArgument(field: name, reason: "is required") }
            return try StorageID(text, field: name)
        }
    }
}

extension Argument where T == StorageID? {
    static func storage(_ name: String, _ description: String) -> Self {
        Argument(name, schemaProperty("string", description, ["pattern": .string(StorageID.pattern)])) { arguments, name in
            try arguments.string(name).map { text throws(ProxmoxError) in try StorageID(text, field: name) }
        }
    }
}

extension Argument where T == GuestName? {
    /// Checked server-side: labels of letters, digits and inner '-', joined by '.'.
    static func dnsName(_ name: String, _ description: String) -> Self {
        Argument(name, schemaProperty("string", description, ["maxLength": 255])) { arguments, name in
            try arguments.string(name).map { text throws(ProxmoxError) in try GuestName(text, field: name) }
        }
    }
}

extension Argument where T == GuestName {
    static func dnsName(_ name: String, _ description: String) -> Self {
        Argument(name, schemaProperty("string", description, ["maxLength": 255]), required: true) { arguments, name in
            try GuestName(try arguments.requiredString(name), field: name)
        }
    }
}

extension Argument where T == VolumeID? {
    static func volume(_ name: String, _ description: String) -> Self {
        Argument(name, schemaProperty("string", description, ["maxLength": 512])) { arguments, name in
            try arguments.string(name).map { text throws(ProxmoxError) in try VolumeID(text, field: name) }
        }
    }
}

extension Argument where T == VolumeID {
    static func volume(_ name: String, _ description: String) -> Self {
        Argument(name, schemaProperty("string", description, ["maxLength": 512]), required: true) { arguments, name in
            try VolumeID(try arguments.requiredString(name), field: name)
        }
    }
}

extension Argument where T == FreeText? {
    static func text(_ name: String, _ description: String, maxLength: Int = 8192, oneLine: Bool = false) -> Self {
        Argument(name, schemaProperty("string", description, ["maxLength": .int(maxLength)])) { arguments, name in
            try arguments.text(name, maxLength: maxLength, allowNewlines: !oneLine)
        }
    }
}

extension Argument where T == String? {
    /// One of a fixed set of words.
    static func choice(_ name: String, _ description: String, _ values: [String]) -> Self {
        Argument(name, schemaProperty("string", description, ["enum": .array(values.map { .string($0) })])) { arguments, name in
            try arguments.choice(name, values)
        }
    }

    /// A node as the user wrote it (matched against the cluster's nodes, case-insensitively,
    /// FQDN accepted), after a syntax check.
    static func node(_ name: String, _ description: String) -> Self {
        Argument(name, schemaProperty("string", description, ["maxLength": 255])) { arguments, name in try arguments.nodeText(name) }
    }
}

extension Argument where T == String {
    static func choice(_ name: String, _ description: String, _ values: [String], default defaultValue: String) -> Self {
        Argument(name, schemaProperty("string", "\(description); default \(defaultValue)",
                                ["enum": .array(values.map { .string($0) }), "default": .string(defaultValue)])) { arguments, name in
            try arguments.choice(name, values) ?? defaultValue
        }
    }
}

extension Argument where T == TransportPreference? {
    /// The `transport` argument; absent means the configured default.
    static let transport = Argument(
        "transport", schemaProperty("string", "cli (qm or pct; alias ssh), api (pvesh) or auto (pvesh for reads, power); default: server's",
                              ["enum": ["cli", "api", "auto", "ssh"]], typed: false)) { arguments, _ in
        try arguments.string("transport").map { text throws(ProxmoxError) in try TransportPreference(parsing: text) }
    }
}
