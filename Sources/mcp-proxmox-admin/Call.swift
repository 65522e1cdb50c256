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
            let hint = Suggestion.hint(tool, in: ToolCatalog.all.map(\.name))
            throw Self.usageProblem("unknown tool '\(tool.prefix(80))'\(hint); `mcp-proxmox-admin tools` lists them")
        }
        let arguments = try Self.arguments(args)
        let setup = try source.setup()
        let logger = Logger(label: "mcp-proxmox-admin")
        let result = await ProxmoxMCPServer.call(definition, arguments, fleet: setup.fleet, logger: logger)
        setup.close()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(result), as: UTF8.self))
        if result.isError == true { throw ExitCode(1) }
    }

    /// `--args` as a JSON object, or one line saying where it stops being one.
    static func arguments(_ text: String) throws -> [String: Value] {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "not valid JSON"
            var line = String(detail.split(separator: "\n").first ?? "").trimmingCharacters(in: CharacterSet(charactersIn: ". "))
            // Show where: Foundation names the character offset; quote the text from there.
            if let offset = line.firstMatch(of: /character (\d+)/).flatMap({ Int($0.output.1) }), offset <= text.utf8.count {
                line += ", near '\(String(decoding: text.utf8.dropFirst(offset).prefix(20), as: UTF8.self))'"
            }
            throw usageProblem("--args is not valid JSON: \(line) (example: --args '{\"node\": \"pve2\"}')")
        }
        guard parsed is [String: Any], let object = try? JSONDecoder().decode([String: Value].self, from: Data(text.utf8)) else {
            throw usageProblem("--args must be a JSON object such as '{\"vmid\": 100}', not \(text.prefix(40))")
        }
        return object
    }

    /// A problem with the command line: one line on stderr, exit status 2 (as for settings).
    static func usageProblem(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("mcp-proxmox-admin: \(message)\n".utf8))
        return ExitCode(2)
    }
}
