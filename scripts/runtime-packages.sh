#!/usr/bin/env bash
# Prints, one per line and sorted, the Debian packages that hold the shared libraries the given
# executables link directly (their ELF NEEDED entries, located by ldd), for the .deb's Depends; what
# those libraries need in turn their own packages depend on. Fails when a library belongs to no
# package (for example one of a Swift toolchain), since the target would then lack it.
set -euo pipefail
for executable in "$@"; do
    resolved="$(ldd "$executable")"
    for library in $(objdump -p "$executable" | awk '$1 == "NEEDED" { print $2 }'); do
        # `libx.so.1 => /path (...)`, or the dynamic loader itself: `/lib64/ld-linux-x86-64.so.2 (...)`.
        path="$(awk -v name="$library" '$1 == name && $2 == "=>" { print $3 } $2 != "=>" && $1 ~ ("/" name "$") { print $1 }' <<<"$resolved")"
        if [ -z "$path" ] || [ "$path" = "not" ]; then
            echo "runtime-packages: $executable needs $library, which is not found" >&2
            exit 1
        fi
        real="$(readlink -f "$path")"
        package=""
        # Merged /usr: dpkg may know a library under /lib or under /usr/lib.
        for candidate in "$path" "$real" "/usr$path" "${path#/usr}" "/usr$real" "${real#/usr}"; do
            package="$(dpkg -S "$candidate" 2>/dev/null | head -n 1 | cut -d: -f1)" && [ -n "$package" ] && break
        done
        if [ -z "$package" ]; then
            echo "runtime-packages: $path ($executable) belongs to no Debian package" >&2
            exit 1
        fi
        echo "$package"
    done
done | sort -u
