import ArgumentParser
import Foundation
import ProxmoxMCP

/// `tools`: the catalog with its annotations, or the Markdown reference of docs/api-reference.md.
struct Tools: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the tools this server offers, with their annotations.")

    @Flag(help: "Print the Markdown tool reference (docs/api-reference.md).")
    var markdown = false

    @Flag(help: "Print the README's tools table.")
    var table = false

    @Flag(help: "Print tools/list as a client receives it with toolsets=all (JSON).")
    var json = false

    @Flag(help: "Print the size of tools/list for core and for all, against the budget.")
    var sizes = false

    func run() throws {
        if json {
            print(String(decoding: try ToolListSize.encoded(ToolCatalog.all), as: UTF8.self))
            return
        }
        if sizes {
            print(try ToolListSize.report(), terminator: "")
            return
        }
        if markdown || table {
            print(markdown ? ToolReference.markdown() : ToolReference.table(), terminator: "")
            return
        }
        let width = (ToolCatalog.all.map(\.name.count).max() ?? 0) + 2
        for definition in ToolCatalog.all {
            let hints = definition.annotations
            var marks = [hints.readOnlyHint == true ? "read-only" : "changes"]
            if hints.destructiveHint == true { marks.append("destructive") }
            if hints.idempotentHint == true { marks.append("idempotent") }
            if definition.createsOrDeletes { marks.append("safe-mode: refused") }
            print(definition.name.padding(toLength: width, withPad: " ", startingAt: 0)
                  + "[\(marks.joined(separator: ", "))] \(definition.title)")
        }
    }
}
