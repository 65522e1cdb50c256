import ProxmoxCore

/// Checks of argument values, with the messages Proxmox's JSONSchema gives (pve-common
/// `PVE/JSONSchema.pm`), shared by pvesh and qm/pct.
enum Values {
    static func vmid(_ text: String, field: String = "vmid") throws(CLIFailure) -> Int {
        do { return try VMID(parsing: text).value } catch {
            throw ConfigSchema.fieldError(field, "value does not look like a valid VM ID")
        }
    }

    /// `pve-configid`: `^[a-z][a-z0-9_-]+$`, case-insensitive, at most 40 characters for snapshots.
    static func snapshotName(_ text: String, field: String = "snapname") throws(CLIFailure) -> String {
        guard text.count <= 40 else { throw ConfigSchema.fieldError(field, "value may only be 40 characters long") }
        let bytes = Array(text.lowercased().utf8)
        let valid = bytes.count >= 2 && (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[0])
            && bytes.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
        guard valid else { throw ConfigSchema.fieldError(field, "invalid format - invalid configuration ID '\(text)'") }
        return text
    }

    static func boolean(_ text: String, field: String) throws(CLIFailure) -> Bool {
        try ConfigSchema.normalise(text, key: field, type: .boolean) == "1"
    }

    static func integer(_ text: String, field: String) throws(CLIFailure) -> Int {
        guard let value = Int(text) else { throw ConfigSchema.fieldError(field, "type check ('integer') failed - got '\(text)'") }
        return value
    }

    static func node(_ text: String) throws(CLIFailure) -> String {
        guard (try? NodeName(text)) != nil else {
            throw ConfigSchema.fieldError("node", "invalid format - value does not look like a valid node name")
        }
        return text
    }
}

extension OptionList {
    func value(_ name: String) -> String? { values.last { $0.name == name }?.value }
    func has(_ name: String) -> Bool { values.contains { $0.name == name } }

    /// All values of a repeatable list option (`--delete a --delete b,c` → a, b, c).
    func list(_ name: String) -> [String] {
        values.filter { $0.name == name }.flatMap { $0.value.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == " " }) }
            .map(String.init)
    }

    func flag(_ name: String) throws(CLIFailure) -> Bool? {
        guard let text = value(name) else { return nil }
        return try Values.boolean(text, field: name)
    }

    /// Options that are not in `excluded`, in order (config keys of create and set).
    func remaining(excluding excluded: Set<String>) -> [(key: String, value: String)] {
        values.filter { !excluded.contains($0.name) }.map { ($0.name, $0.value) }
    }
}
