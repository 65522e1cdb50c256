import ArgumentParser
import Foundation
import Logging
import MCP
import ProxmoxMCP

/// `call TOOL --args JSON`: one tool call, its result as JSON on stdout, for scripts.
struct Call: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Call one tool and print its result as JSON.")

    @Argument(help: "Tool name, e.g. proxmox_vm_list.")
    var tool: String

    @Option(help: "Arguments as a JSON object.")
    var args: String = "{}"

    @OptionGroup var source: SourceOptions

    func run() async throws {
        guard let definition = ToolCatalog.all.first(where: { $0.name == tool }) else {
            throw ValidationError("unknown tool '\(tool)'; see `mcp-proxmox-admin tools`")
        }
        let arguments: [String: Value]
        do { arguments = try JSONDecoder().decode([String: Value].self, from: Data(args.utf8)) } catch {
            throw ValidationError("--args is not a JSON object: \(error)")
        }
        let setup = try source.setup()
        let logger = Logger(label: "mcp-proxmox-admin")
        let result = await ProxmoxMCPServer.call(definition, arguments, environment: setup.environment, logger: logger)
        setup.close()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(result), as: UTF8.self))
        if result.isError == true { throw ExitCode(1) }
    }
}
