import ArgumentParser
import ProxmoxMCP

/// `version` (and `--version`): what was built, needing no host and no configuration.
struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the version, git commit, build date and how the Swift standard library is linked.")

    func run() {
        print(BuildInfo.line)
    }
}
