import Foundation
import ProxmoxMCP
import Testing
import TestSupport

/// The generated parts of the docs are current, and the examples load without a problem.
@Suite struct DocsTests {
    func read(_ path: String) throws -> String {
        try String(contentsOf: Paths.packageRoot.appendingPathComponent(path), encoding: .utf8)
    }

    /// The text between `<!-- NAME:begin ... -->` and `<!-- NAME:end -->`.
    func section(_ name: String, of text: String) throws -> String {
        let begin = try #require(text.range(of: "<!-- \(name):begin"))
        let afterMarker = try #require(text.range(of: "-->\n", range: begin.upperBound..<text.endIndex))
        let end = try #require(text.range(of: "<!-- \(name):end -->", range: afterMarker.upperBound..<text.endIndex))
        return String(text[afterMarker.upperBound..<end.lowerBound])
    }

    @Test func apiReferenceIsGeneratedFromTheCatalog() throws {
        #expect(try read("docs/api-reference.md") == ToolReference.markdown(),
                "regenerate with: mcp-proxmox-admin tools --markdown > docs/api-reference.md")
    }

    @Test func configurationTableIsGeneratedFromTheSettings() throws {
        #expect(try section("settings", of: read("docs/configuration.md")) == SettingReference.markdown(),
                "regenerate the table with: mcp-proxmox-admin settings --markdown")
    }

    @Test func readmeToolTableIsGeneratedFromTheCatalog() throws {
        #expect(try section("tools", of: read("README.md")) == ToolReference.table(),
                "regenerate the table with: mcp-proxmox-admin tools --table")
    }

    /// Every environment variable an example sets is a setting, and every example configuration loads cleanly.
    @Test func examplesAreValidConfigurations() throws {
        let folder = NSTemporaryDirectory() + "examples-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let known = Set(SettingCatalog.all.map(\.variable))

        try read(".env.example").write(toFile: folder + "/.env", atomically: true, encoding: .utf8)
        chmod(folder + "/.env", 0o600)
        let dotEnv = Configuration.load(ConfigurationInputs(environment: [:], workingDirectory: folder, home: folder))
        #expect(dotEnv.problems == [] && dotEnv.warnings == [])
        #expect(dotEnv.source("host") == .dotEnv(folder + "/.env"))
        let listed = try read(".env.example").split(separator: "\n").compactMap { line -> String? in
            let text = line.hasPrefix("# ") ? line.dropFirst(2) : line[...]
            return text.hasPrefix("PROXMOX_") ? String(text.split(separator: "=")[0]) : nil
        }
        #expect(Set(listed) == known, "the .env.example lists every setting")
        try FileManager.default.removeItem(atPath: folder + "/.env")

        let file = Configuration.load(ConfigurationInputs(arguments: ["--config", Paths.packageRoot.appendingPathComponent("examples/config.json").path],
                                                          environment: [:], workingDirectory: folder, home: folder))
        #expect(file.problems == [])
        #expect(file.list("protectedVmids") == ["100", "101"])
        // The client examples: ExampleClientTests.
    }
}
