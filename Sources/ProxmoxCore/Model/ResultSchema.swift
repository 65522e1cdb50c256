/// The JSON Schema of a result, declared beside its model: one ``Field`` per property, with its
/// type, unit and meaning, so the output schema, the docs and the model are written once.
public struct Field: Sendable {
    public let name: String
    public let schema: JSONValue
    /// Always present in the result.
    public let required: Bool

    public init(_ name: String, _ schema: JSONValue, required: Bool = false) {
        self.name = name
        self.schema = schema
        self.required = required
    }

    /// The same field, always present.
    public func always() -> Field { Field(name, schema, required: true) }

    public static func integer(_ name: String, _ description: String, required: Bool = false) -> Field {
        Field(name, ["type": "integer", "description": .string(description)], required: required)
    }

    public static func number(_ name: String, _ description: String, required: Bool = false) -> Field {
        Field(name, ["type": "number", "description": .string(description)], required: required)
    }

    public static func string(_ name: String, _ description: String, required: Bool = false) -> Field {
        Field(name, ["type": "string", "description": .string(description)], required: required)
    }

    public static func boolean(_ name: String, _ description: String, required: Bool = false) -> Field {
        Field(name, ["type": "boolean", "description": .string(description)], required: required)
    }

    public static func choice(_ name: String, _ values: [String], _ description: String, required: Bool = false) -> Field {
        Field(name, ["enum": .array(values.map { .string($0) }), "description": .string(description)], required: required)
    }

    /// An array of strings.
    public static func strings(_ name: String, _ description: String, required: Bool = false) -> Field {
        Field(name, ["type": "array", "items": ["type": "string"], "description": .string(description)], required: required)
    }

    /// An array of whole numbers.
    public static func integers(_ name: String, _ description: String, required: Bool = false) -> Field {
        Field(name, ["type": "array", "items": ["type": "integer"], "description": .string(description)], required: required)
    }

    /// An array of numbers.
    public static func numbers(_ name: String, _ description: String, required: Bool = false) -> Field {
        Field(name, ["type": "array", "items": ["type": "number"], "description": .string(description)], required: required)
    }

    /// A nested object.
    public static func object(_ name: String, _ description: String, _ fields: [Field], required: Bool = false) -> Field {
        Field(name, ResultSchema.object(fields, description: description), required: required)
    }

    /// An array of objects, each with these fields.
    public static func list(_ name: String, _ description: String, _ item: JSONValue, required: Bool = false) -> Field {
        Field(name, ["type": "array", "description": .string(description), "items": item], required: required)
    }

    /// An object mapping names to strings (e.g. config options).
    public static func stringMap(_ name: String, _ description: String, required: Bool = false) -> Field {
        Field(name, ["type": "object", "description": .string(description), "additionalProperties": ["type": "string"]], required: required)
    }
}

public enum ResultSchema {
    /// What the `additionalProperties` of an entry read from Proxmox says: its other fields pass through.
    public static let unmodelledNote = "Any other field the host printed for this entry, under its Proxmox name and as Proxmox typed it (e.g. netin, hastate, a newer release's field)"

    /// An object with `fields`; `required` lists those always present. `unmodelled`: an entry
    /// read from Proxmox, whose fields without a typed member pass through (``UnmodelledFields``).
    public static func object(_ fields: [Field], description: String? = nil, unmodelled: Bool = false) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "object"]
        if unmodelled { schema["additionalProperties"] = ["description": .string(unmodelledNote)] }
        if let description { schema["description"] = .string(description) }
        schema["properties"] = .object(Dictionary(fields.map { ($0.name, $0.schema) }) { _, last in last })
        let required = fields.filter(\.required).map(\.name).sorted()
        if !required.isEmpty { schema["required"] = .array(required.map { .string($0) }) }
        return .object(schema)
    }
}
