/// The settings table of docs/configuration.md, generated from ``SettingCatalog`` so the two cannot drift.
public enum SettingReference {
    public static func markdown(_ settings: [Setting] = SettingCatalog.all) -> String {
        var text = "| key (config file) | environment variable | flag | default | per cluster | meaning |\n|---|---|---|---|---|---|\n"
        for setting in settings {
            let fallback: String = switch (setting.defaultValue, setting.key) {
            case let (value?, _): "`\(value)`"
            case (nil, "host"): "required"
            case (nil, "sshKeyPath"): "`~/.ssh/id_ed25519`, else `~/.ssh/id_ecdsa`"
            default: "unset"
            }
            let flag = setting.kind == .flag ? "`\(setting.flag)[=false]`" : "`\(setting.flag) \(placeholder(setting.kind))`"
            text += "| `\(setting.key)` | `\(setting.variable)` | \(flag) | \(fallback) | \(setting.scope == .cluster ? "yes" : "") | \(setting.meaning.replacingOccurrences(of: "|", with: "\\|")) |\n"
        }
        return text
    }

    static func placeholder(_ kind: SettingKind) -> String {
        switch kind {
        case .text: "TEXT"
        case .secret: "SECRET"
        case .path: "PATH"
        case .port: "PORT"
        case .flag: ""
        case let .number(range): "\(range.lowerBound)-\(range.upperBound)"
        case let .choice(choices): choices.joined(separator: "|")
        case .nodeName: "NODE"
        case .vmids: "ID,ID"
        case .nodeAddresses: "NODE=HOST[:PORT],..."
        case .words: "NAME,NAME"
        case .programs: "PROGRAM,PROGRAM"
        case .addresses: "HOST[:PORT],..."
        case .jumps: "[USER@]HOST[:PORT],..."
        case .clusterName: "NAME"
        }
    }
}
