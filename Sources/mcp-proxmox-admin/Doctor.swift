import ArgumentParser
import Foundation
import ProxmoxMCP

/// `doctor`: the effective configuration with sources, then the checks a first connection
/// needs, each failure with its fix. Exits 1 when a check fails, 2 on configuration problems.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Show the effective configuration and check the connection to the host.")

    @Argument(parsing: .allUnrecognized,
              help: ArgumentHelp("Setting flags, as for serve (--config PATH, --host, --ssh-user, ...).", valueName: "settings"))
    var settings: [String] = []

    func run() async throws {
        let configuration = try SourceOptions.configuration(settings: settings, needsHost: true, showing: true)
        var checks: [DoctorCheck] = []
        if configuration.clusters.isEmpty {
            print("Effective configuration (highest first: flag, environment, .env, config file, default)\n")
            print(Doctor.configurationTable(configuration))
            print("Checks\n")
            checks = await Doctor.run(configuration, environment: ProcessInfo.processInfo.environment)
            print(Doctor.render(checks), terminator: "")
        }
        // Every cluster: its effective settings with their sources (a cluster's own, inherited, or
        // the strictest of both levels), then its checks.
        for cluster in configuration.clusters {
            let own = configuration.forCluster(cluster.name)
            let marks = cluster.name == configuration.defaultClusterName ? " (default)" : ""
            print("Cluster \(cluster.name)\(marks): effective configuration\n")
            print(Doctor.configurationTable(own))
            if cluster.simulator {
                print("Checks: none (simulated cluster)\n")
                continue
            }
            print("Checks of \(cluster.name)\n")
            let found = await Doctor.run(own, environment: ProcessInfo.processInfo.environment)
            print(Doctor.render(found))
            checks += found
        }
        let failures = checks.filter { $0.status == .fail }.count
        let warnings = checks.filter { $0.status == .warn }.count
        let warned = warnings == 0 ? "" : ", with \(warnings) warning\(warnings == 1 ? "" : "s")"
        print(failures == 0 ? "\nAll checks passed\(warned)." : "\n\(failures) check\(failures == 1 ? "" : "s") failed\(warned).")
        if failures > 0 { throw ExitCode(1) }
    }
}
