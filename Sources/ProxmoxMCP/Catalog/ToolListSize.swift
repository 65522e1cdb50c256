import Foundation
import MCP

/// What `tools/list` costs a model's context: bytes as the server sends them (JSON, as the SDK
/// encodes `ListTools.Result`) and tokens estimated as bytes / 4, for `core` and for `all`.
public enum ToolListSize {
    /// The budget of the contracts issue: core at most 45,000 bytes, all at most 1,600 bytes per tool.
    public static let coreBudget = 45_000
    public static let perToolBudget = 1_600

    public static func encoded(_ tools: [ToolDefinition]) throws -> Data {
        try JSONEncoder().encode(ListTools.Result(tools: tools.map(\.tool)))
    }

    /// The budget of the API issue: the three `proxmox_api_*` tools together.
    public static let apiBudget = 4_000

    /// The tools a server lists with this `toolsets` value (readOnly and dynamicToolsets off;
    /// allowApiWrites off unless asked).
    public static func tools(_ toolsets: [String], allowApiWrites: Bool = false) -> [ToolDefinition] {
        let on = ToolCatalog.expand(toolsets)
        return ToolCatalog.all.filter { on.contains($0.toolset) && (allowApiWrites || !$0.needsApiWrites) }
    }

    /// The three API tools (proxmox_api_call as allowApiWrites lists it).
    public static var apiTools: [ToolDefinition] { ToolCatalog.all.filter { $0.toolset == "api" } }

    public static func report() throws -> String {
        var text = "tools/list size (bytes as sent; tokens estimated as bytes / 4)\n"
        for (label, names) in [("core", ["core"]), ("all", ["all"])] {
            let tools = tools(names)
            let bytes = try encoded(tools).count
            let perTool = bytes / max(tools.count, 1)
            let budget = label == "core" ? "budget \(coreBudget) bytes: \(bytes <= coreBudget ? "met" : "MISSED")"
                : "budget \(perToolBudget) bytes per tool: \(perTool <= perToolBudget ? "met" : "MISSED")"
            text += "  \(label): \(tools.count) tools, \(bytes) bytes (~\(bytes / 4) tokens), \(perTool) bytes per tool; \(budget)\n"
        }
        let api = try encoded(apiTools).count
        text += "  api (describe, get, call): \(api) bytes; budget \(apiBudget) bytes: \(api <= apiBudget ? "met" : "MISSED")\n"
        return text
    }
}
