#!/usr/bin/env python3
"""Drives `mcp-proxmox-admin serve --simulator` with the official Python MCP client (pip install mcp):
a slow start reports progress, every tool's answer validates against its output schema (the client checks
it), error results carry no structuredContent, and a destructive call without confirm runs nothing.

Usage: scripts/check-python-client.py [path/to/mcp-proxmox-admin]   (default: .build/debug/mcp-proxmox-admin)
"""
import asyncio
import json
import os
import sys

import jsonschema
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


def field(value, name):
    """A result's field by its snake_case name (mcp 2.x) or its camelCase one (mcp 1.x)."""
    if hasattr(value, name):
        return getattr(value, name)
    head, *rest = name.split("_")
    return getattr(value, head + "".join(part.title() for part in rest))


async def main(binary: str) -> int:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("PROXMOX_", "PVE_SIM_"))}
    environment["PVE_SIM_FAULTS"] = json.dumps({"slowTasks": {"qmstart:102": 4}})
    environment["PROXMOX_TOOLSETS"] = "all"
    parameters = StdioServerParameters(command=binary, args=["serve", "--simulator"], env=environment)
    failures = []
    async with stdio_client(parameters) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            tools = {tool.name: tool for tool in (await session.list_tools()).tools}
            print(f"{len(tools)} tools listed")

            reports = []

            async def on_progress(progress, total, message):
                reports.append((progress, total, message))

            result = await session.call_tool("proxmox_vm_start", {"vmid": 102}, progress_callback=on_progress)
            print(f"vm_start: isError={field(result, 'is_error')}, {len(reports)} progress notifications")
            for report in reports:
                print(f"  progress {report[0]} total={report[1]}: {report[2]}")
            if field(result, "is_error") or len(reports) < 2:
                failures.append("a slow start did not report progress")

            refused = await session.call_tool("proxmox_vm_delete", {"vmid": 104})
            print(f"vm_delete without confirm: isError={field(refused, 'is_error')}: {refused.content[0].text}")
            if not field(refused, "is_error") or field(refused, "structured_content") is not None:
                failures.append("an unconfirmed delete was not refused, or its error carried structuredContent")
            still_there = await session.call_tool("proxmox_vm_list", {})
            if 104 not in [vm["vmid"] for vm in field(still_there, "structured_content")["vms"]]:
                failures.append("the unconfirmed delete ran")

            for name in ["proxmox_node_list", "proxmox_cluster_status", "proxmox_storage_list", "proxmox_task_list",
                         "proxmox_backup_list", "proxmox_vm_config_get", "proxmox_vm_snapshot_list"]:
                arguments = {"vmid": 100} if "vm_" in name or "backup" in name else {}
                answer = await session.call_tool(name, arguments)
                if field(answer, "is_error"):
                    failures.append(f"{name}: {answer.content[0].text}")
                    continue
                # The client validated structuredContent already; check once more, strictly by the schema.
                jsonschema.validate(field(answer, "structured_content"), field(tools[name], "output_schema"))
                print(f"{name}: answer validates against its output schema")
    for failure in failures:
        print("FAILED:", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/mcp-proxmox-admin")))
