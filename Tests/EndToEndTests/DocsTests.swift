import Foundation
import ProxmoxMCP
import Testing
import TestSupport

@Suite struct DocsTests {
    @Test func toolReferenceIsGeneratedFromTheCatalog() throws {
        let committed = try String(contentsOf: Paths.packageRoot.appendingPathComponent("docs/tools.md"), encoding: .utf8)
        #expect(committed == ToolReference.markdown(), "regenerate with: mcp-proxmox-admin tools --markdown > docs/tools.md")
    }
}
