import Foundation
import ProxmoxCore

// `mcp-proxmox-guard [--name KEY-NAME] [--policy PATH]`, for `command=` in authorized_keys.
GuardMain.run(arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
