import ArgumentParser
import ProxmoxMCP

/// `settings`: every configuration option, or the Markdown table of docs/configuration.md.
struct Settings: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List every setting: config-file key, environment variable, flag, default.")

    @Flag(help: "Print the Markdown table of docs/configuration.md.")
    var markdown = false

    func run() {
        if markdown {
            print(SettingReference.markdown(), terminator: "")
            return
        }
        for setting in SettingCatalog.all {
            print("\(setting.key)  \(setting.variable)  \(setting.flag)  default: \(setting.defaultValue ?? "unset")\n    \(setting.meaning)")
        }
    }
}
