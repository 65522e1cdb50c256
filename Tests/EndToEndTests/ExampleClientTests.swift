import Foundation
import ProxmoxMCP
import Testing
import TestSupport

/// Every client example fits its client's documented format, and the command it names is one the
/// built executable accepts: each entry's `serve` line is run (against the simulator, with the
/// entry's environment) and must start and end cleanly.
@Suite struct ExampleClientTests {
    /// How a client entry starts the server: the `mcp-proxmox-admin` arguments, and the settings
    /// it passes in the environment.
    struct Launch: CustomStringConvertible {
        let origin: String
        let arguments: [String]
        let environment: [String: String]
        var description: String { "\(origin): \(arguments.joined(separator: " "))" }
    }

    /// The JSON client files, by format: Claude Desktop and Claude Code's `.mcp.json` use
    /// `mcpServers`; VS Code uses `servers` (and `inputs`), each entry with `"type": "stdio"`.
    static let jsonExamples: [(path: String, key: String, needsType: Bool)] = [
        ("examples/claude-desktop/macos.json", "mcpServers", false),
        ("examples/claude-desktop/windows.json", "mcpServers", false),
        ("examples/claude-desktop/linux.json", "mcpServers", false),
        ("examples/claude-code.mcp.json", "mcpServers", true),
        ("examples/vscode/mcp.json", "servers", true),
    ]

    static func read(_ path: String) throws -> String {
        try String(contentsOf: Paths.packageRoot.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func everyClientFileIsListedHere() throws {
        let folder = Paths.packageRoot.appendingPathComponent("examples").path
        let files = try FileManager.default.subpathsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") && $0 != "config.json" }
        #expect(Set(files.map { "examples/" + $0 }) == Set(Self.jsonExamples.map(\.path)))
    }

    /// Each JSON example: valid JSON, the client's keys, a real and a simulated entry, and
    /// launch lines that the executable accepts.
    @Test(arguments: jsonExamples.map(\.path)) func jsonExampleStartsTheServer(_ path: String) throws {
        let format = try #require(Self.jsonExamples.first { $0.path == path })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(Self.read(path).utf8)) as? [String: Any], "\(path) is a JSON object")
        let servers = try #require(object[format.key] as? [String: [String: Any]], "\(path) has \(format.key)")
        #expect(servers.keys.contains("proxmox") && servers.keys.contains("proxmox-simulated"), "\(path): \(servers.keys.sorted())")
        for (name, server) in servers {
            if format.needsType { #expect(server["type"] as? String == "stdio", "\(path) \(name)") }
            let command = try #require(server["command"] as? String, "\(path) \(name) names a command")
            let arguments = try #require((server["args"] ?? []) as? [String], "\(path) \(name): args are strings")
            let environment = try #require((server["env"] ?? [:]) as? [String: String], "\(path) \(name): env is strings")
            let launch = try Self.launch(command: command, arguments: arguments, environment: environment, origin: "\(path) \(name)")
            #expect(launch.arguments.contains("--simulator") == (name == "proxmox-simulated"), "\(launch)")
            try Self.check(launch)
        }
    }

    /// Claude Code: `claude mcp add [options] <name> -- <command> [args...]`, every option before the
    /// name (its documentation's rule), and a command line the executable accepts.
    @Test func claudeCodeCommandsPutEveryOptionBeforeTheName() throws {
        let commands = Self.shellCommands(in: try Self.read("examples/claude-code.md")).filter { $0.starts(with: ["claude", "mcp", "add"]) }
        #expect(commands.count >= 4, "\(commands)")
        let takesValue: Set<String> = ["--scope", "-s", "--transport", "-t", "--env", "-e", "--header", "-H"]
        for words in commands {
            var index = 3
            var environment: [String: String] = [:]
            while index < words.count, words[index].hasPrefix("-"), words[index] != "--" {
                #expect(takesValue.contains(words[index]), "unknown option \(words[index]) in \(words)")
                if words[index] == "--env" || words[index] == "-e" {
                    let pair = words[index + 1].split(separator: "=", maxSplits: 1).map(String.init)
                    environment[pair[0]] = pair.count == 2 ? pair[1] : ""
                }
                index += 2
            }
            try #require(index + 2 < words.count, "\(words)")
            let name = words[index]
            #expect(!name.hasPrefix("-"), "a server name follows the options: \(words)")
            #expect(words[index + 1] == "--", "only the name stands between the options and `--`: \(words)")
            let launch = try Self.launch(command: words[index + 2], arguments: Array(words[(index + 3)...]), environment: environment,
                                         origin: "claude-code.md \(name)")
            try Self.check(launch)
        }
    }

    /// The `mcp-proxmox-admin` part of an entry: the command itself, or the remote command of
    /// `ssh -T host [VAR=value ...] /path/mcp-proxmox-admin ...` (variables in front are read by
    /// the remote shell).
    static func launch(command: String, arguments: [String], environment: [String: String], origin: String) throws -> Launch {
        let program = command.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? command
        if program == "ssh" || program == "ssh.exe" {
            #expect(arguments.contains("-T"), "\(origin): ssh needs -T, so that nothing but MCP crosses")
            #expect(arguments.contains("BatchMode=yes"), "\(origin): a client has no terminal for ssh to prompt on")
            #expect(environment.isEmpty, "\(origin): the environment does not cross ssh")
            let start = try #require(arguments.firstIndex { $0.hasSuffix("/mcp-proxmox-admin") }, "\(origin) runs mcp-proxmox-admin")
            var remote: [String: String] = [:]
            for word in arguments[..<start].reversed() {
                guard let equals = word.firstIndex(of: "="), word.prefix(upTo: equals).allSatisfy({ $0.isUppercase || $0 == "_" }) else { break }
                var value = String(word[word.index(after: equals)...])
                if value.hasPrefix("'"), value.hasSuffix("'") { value = String(value.dropFirst().dropLast()) }
                remote[String(word[..<equals])] = value
            }
            return Launch(origin: origin, arguments: Array(arguments[(start + 1)...]), environment: remote)
        }
        #expect(program == "mcp-proxmox-admin", "\(origin) starts mcp-proxmox-admin, not \(command)")
        return Launch(origin: origin, arguments: arguments, environment: environment)
    }

    /// Runs the launch line's `serve` with its settings, against the simulator, with input closed:
    /// it must accept every argument and setting, and end cleanly without a problem or a warning.
    static func check(_ launch: Launch) throws {
        #expect(launch.arguments.first == "serve", "\(launch): a client starts `serve`")
        let known = Set(SettingCatalog.all.map(\.variable))
        for key in launch.environment.keys {
            #expect(known.contains(key) || ["PVE_SIM_FAULTS", "PVE_SIM_STATE"].contains(key), "\(launch): \(key) is no setting")
        }
        let folder = NSTemporaryDirectory() + "example-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PROXMOX_") && !$0.key.hasPrefix("PVE_SIM_") }
        environment["HOME"] = folder
        for (key, value) in launch.environment where !value.contains("${") {
            // Paths of the example's user point into the throwaway folder instead.
            environment[key] = value.replacingOccurrences(of: "/home/me", with: folder).replacingOccurrences(of: "$HOME", with: folder)
        }
        if let faults = launch.environment["PVE_SIM_FAULTS"] {
            #expect((try? JSONSerialization.jsonObject(with: Data(faults.utf8))) is [String: Any], "\(launch): PVE_SIM_FAULTS is JSON")
        }
        let arguments = launch.arguments.contains("--simulator") ? launch.arguments : launch.arguments + ["--simulator"]
        let result = try Subprocess.run(try Paths.binary("mcp-proxmox-admin"), arguments, environment: environment,
                                        workingDirectory: folder, check: false)
        #expect(result.status == 0, "\(launch): \(result.stderr)")
        #expect(!result.stderr.contains("problem") && !result.stderr.contains("warning"), "\(launch): \(result.stderr)")
    }

    /// The commands of the ```sh blocks of a Markdown file, continuation lines joined, split into
    /// words as a POSIX shell would for these simple lines (single and double quotes).
    static func shellCommands(in markdown: String) -> [[String]] {
        var commands: [[String]] = []
        var inBlock = false
        var pending = ""
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inBlock = line == "```sh" ? true : false; continue }
            guard inBlock else { continue }
            let text = line.split(separator: "#", maxSplits: 1).first.map(String.init) ?? ""
            if text.hasSuffix("\\") { pending += text.dropLast() + " "; continue }
            let words = split(pending + text)
            pending = ""
            if !words.isEmpty { commands.append(words) }
        }
        return commands
    }

    static func split(_ line: String) -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        for character in line {
            if let open = quote {
                if character == open { quote = nil } else { word.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character == " " {
                if inWord { words.append(word) }
                word = ""
                inWord = false
            } else {
                word.append(character)
                inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }
}
