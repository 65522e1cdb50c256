import ArgumentParser
import Foundation
import Logging
import ProxmoxMCP

/// Where tool calls go (`--simulator`, `--replay DIR`, else the configured host; `--record DIR` on
/// top) and the setting flags (`--host`, `--ssh-user`, … from ``SettingCatalog``), which sit above
/// the environment, `.env` and the config file.
struct SourceOptions: ParsableArguments {
    @Flag(help: "Use the built-in simulated cluster instead of a real host.")
    var simulator = false

    @Option(help: ArgumentHelp("Write every command run and its output to DIR as fixture files (secrets redacted).", valueName: "DIR"))
    var record: String?

    @Option(help: ArgumentHelp("Answer from fixture files in DIR (made by --record) instead of a host.", valueName: "DIR"))
    var replay: String?

    @Argument(parsing: .allUnrecognized,
              help: ArgumentHelp("Setting flags: --config PATH, and --<setting> VALUE for every setting of docs/configuration.md (e.g. --host pve1 --ssh-user admin --safe-mode).",
                                 valueName: "settings"))
    var settings: [String] = []

    func validate() throws {
        if replay != nil && (simulator || record != nil) {
            throw ValidationError("--replay answers from recordings alone: use it without --simulator and --record")
        }
    }

    /// The configuration from every layer; problems and warnings go to stderr, problems end the
    /// process with status 2. The log level it sets applies to loggers made afterwards.
    func configuration() throws -> Configuration {
        try Self.configuration(settings: settings, needsHost: !simulator && replay == nil)
    }

    /// The configuration from the setting flags and the other layers (see ``configuration()``);
    /// `showing` prints the effective table even when there are problems (`doctor`).
    static func configuration(settings: [String], needsHost: Bool, showing: Bool = false) throws -> Configuration {
        var configuration = Configuration.load(.process(arguments: settings))
        if needsHost && configuration.clusters.isEmpty {
            configuration.require("host", because: "the Proxmox node to log in to; or run with --simulator")
        }
        LogSettings.apply(configuration)
        for warning in configuration.warnings {
            FileHandle.standardError.write(Data("mcp-proxmox-admin: warning: \(warning)\n".utf8))
        }
        do { return try configuration.validated() } catch {
            if showing { print(Doctor.configurationTable(configuration)) }
            FileHandle.standardError.write(Data("mcp-proxmox-admin: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    func setup() throws -> ServerSetup {
        let configuration = try configuration()
        do {
            return try ServerSetup.make(configuration: configuration, simulator: simulator, record: record, replay: replay,
                                        logger: Logger(label: "mcp-proxmox-admin"))
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("mcp-proxmox-admin: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
