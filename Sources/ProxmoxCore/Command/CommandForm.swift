/// The two command shapes every operation is built from, and the one option rule.
public enum CommandForm {
    /// `pvesh <verb> <path> [options] --output-format json`; a `get` is read-only.
    public static func pvesh(_ verb: String, _ path: String, _ options: [String] = []) -> Command {
        Command(["pvesh", verb, path] + options + ["--output-format", "json"], isReadOnly: verb == "get")
    }

    /// `qm|pct <verb> <vmid> [rest]`.
    public static func cli(_ kind: GuestKind, _ verb: String, _ vmid: VMID, _ rest: [String] = [],
                           readOnly: Bool = false) -> Command {
        Command([kind.cliTool, verb, vmid.description] + rest, isReadOnly: readOnly)
    }

    /// `--key value`, or `--key=value` when the value starts with '-' so it can never be read as an option.
    public static func option(_ key: String, _ value: String) -> [String] {
        value.hasPrefix("-") ? ["--\(key)=\(value)"] : ["--\(key)", value]
    }

    /// `--key 1` when set, nothing otherwise (Proxmox booleans are 0/1).
    public static func flag(_ key: String, _ on: Bool) -> [String] { on ? option(key, "1") : [] }

    /// `--key value` when the value is there.
    public static func option(_ key: String, _ value: (some CustomStringConvertible)?) -> [String] {
        value.map { option(key, $0.description) } ?? []
    }
}
