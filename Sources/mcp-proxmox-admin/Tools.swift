import ArgumentParser
import ProxmoxMCP

/// `tools`: the catalog, as a list or as the Markdown reference in docs/tools.md.
struct Tools: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the tools this server offers.")

    @Flag(help: "Print the Markdown tool reference (docs/tools.md).")
    var markdown = false

    func run() {
        if markdown {
            print(ToolReference.markdown(), terminator: "")
            return
        }
        for definition in ToolCatalog.all {
            let readOnly = definition.annotations.readOnlyHint == true ? "read-only" : "changes state"
            print("\(definition.name)  (\(readOnly))  \(definition.description)")
        }
    }
}
