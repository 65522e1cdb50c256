import ArgumentParser
import Foundation
import Logging
import MCP
import ProxmoxMCP
import Synchronization

/// `demo`: starts `serve --simulator` as a child, talks to it as an MCP client over stdio and
/// prints what the tools answer.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the server at work against a simulated cluster (no Proxmox host needed).")

    func run() async throws {
        print("mcp-proxmox-admin demo: talking MCP to `mcp-proxmox-admin serve --simulator`.")
        print("Everything below comes from a SIMULATED Proxmox VE cluster; no real host is contacted.\n")

        let child = Process()
        child.executableURL = URL(fileURLWithPath: try Self.ownExecutable())
        child.arguments = ["serve", "--simulator"]
        // Keep the child's notices out of the demo's output unless asked for.
        var environment = ProcessInfo.processInfo.environment
        if environment["PROXMOX_LOG_LEVEL"] == nil { environment["PROXMOX_LOG_LEVEL"] = "warning" }
        // One slow task, so the demo shows the progress a waiting call reports (any PVE_SIM_FAULTS
        // of the caller's replace it).
        if environment["PVE_SIM_FAULTS"] == nil { environment["PVE_SIM_FAULTS"] = #"{"slowTasks":{"qmstart:102":3}}"# }
        child.environment = environment
        let toChild = Pipe(), fromChild = Pipe()
        child.standardInput = toChild
        child.standardOutput = fromChild
        try child.run()
        defer {
            try? toChild.fileHandleForWriting.close()
            child.waitUntilExit()
        }

        let client = Client(name: "mcp-proxmox-admin-demo", version: ProxmoxMCPServer.version)
        let progress = Mutex<[String]>([])
        await client.onNotification(ProgressNotification.self) { message in
            progress.withLock { $0.append(message.params.message ?? "\(message.params.progress)") }
        }
        let transport = LineTransport(input: fromChild.fileHandleForReading.fileDescriptor,
                                      output: toChild.fileHandleForWriting.fileDescriptor)
        let initialized = try await client.connect(transport: transport)
        print("Connected to \(initialized.serverInfo.name) \(initialized.serverInfo.version) (MCP \(initialized.protocolVersion)).")
        let (tools, _) = try await client.listTools()
        print("Tools (\(tools.count)): \(tools.map(\.name).joined(separator: ", "))\n")

        let calls: [(String, [String: Value])] = [
            ("proxmox_cluster_status", [:]),
            ("proxmox_node_list", [:]),
            ("proxmox_vm_list", [:]),
            ("proxmox_ct_list", ["node": "pve2"]),
            ("proxmox_vm_snapshot_list", ["vmid": 100]),
            ("proxmox_vm_stop", ["vmid": 100, "dryRun": true]),
            ("proxmox_vm_start", ["vmid": 102]),
            ("proxmox_vm_delete", ["vmid": 102]),
            ("proxmox_vm_list", ["node": "pve2; rm -rf /"]),
        ]
        for (name, arguments) in calls {
            let shown = arguments.isEmpty ? "" : " " + arguments.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            print("> \(name)\(shown)")
            // Every call asks for progress; the reports of a waiting call are shown before its answer.
            let request = CallTool.request(.init(name: name, arguments: arguments, meta: Metadata(progressToken: .string(name))))
            let result = try await client.send(request).value
            let (content, isError) = (result.content, result.isError)
            for report in progress.withLock({ reports in defer { reports = [] }; return reports }) {
                print("  progress: \(report)")
            }
            for case let .text(text, _, _) in content {
                print(isError == true ? "  refused: \(text)" : text.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            }
            print("")
        }
        await client.disconnect()
    }

    /// The running binary, so the demo starts the same build as a child.
    static func ownExecutable() throws -> String {
        let path = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        return path
    }
}
