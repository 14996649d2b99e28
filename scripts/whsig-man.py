#!/usr/bin/env python3
"""Writes the whsig(1) man page (roff) from `whsig --experimental-dump-help` on standard input.

    whsig --experimental-dump-help | python3 scripts/whsig-man.py > whsig.1

Why not swift-argument-parser's GenerateManual plugin: it is a package command plugin, so it must
run through `swift package` in a checkout, and it builds whsig again in its own configuration (a
second, debug build) before it asks that binary for the same JSON. scripts/install-cli already has
the release binary it installs; reading that binary's own dump keeps the page identical to what is
installed, with no second build. The JSON is argument-parser's ToolInfo format (version 0): a
command tree with each command's abstract, discussion and arguments.
"""
import json
import sys


def roff(text):
    """Escapes text for roff: backslashes, and a leading dot or quote on a line."""
    lines = []
    for line in text.replace("\\", "\\e").split("\n"):
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def flag_names(argument):
    names = argument.get("names") or []
    out = []
    for name in names:
        prefix = {"long": "--", "short": "-", "longWithSingleDash": "-"}[name["kind"]]
        out.append(prefix + name["name"])
    return out


def synopsis(argument):
    value = argument.get("valueName") or "value"
    if argument["kind"] == "positional":
        text = f"<{value}>"
    else:
        names = flag_names(argument)
        text = names[0] if names else f"--{value}"
        if argument["kind"] == "option":
            text += f" <{value}>"
    if argument.get("isRepeating"):
        text += " ..."
    if argument.get("isOptional"):
        text = f"[{text}]"
    return text


def describe_arguments(arguments, out):
    shown = [a for a in arguments if a.get("shouldDisplay", True)]
    if not shown:
        return
    for argument in shown:
        if argument["kind"] == "positional":
            head = f"<{argument.get('valueName') or 'value'}>"
        else:
            head = ", ".join(flag_names(argument))
            if argument["kind"] == "option":
                head += f" <{argument.get('valueName') or 'value'}>"
        out.append(".TP")
        out.append(".B " + roff(head))
        text = argument.get("abstract") or ""
        values = argument.get("allValues")
        if values:
            text += f" (values: {', '.join(values)})"
        if argument.get("defaultValue") is not None:
            text += f" (default: {argument['defaultValue']})"
        out.append(roff(text.strip()))


def discussion(text, out):
    """Paragraphs stay paragraphs; indented lines (examples) are kept verbatim, never re-filled."""
    for block in text.split("\n\n"):
        lines = block.split("\n")
        out.append(".PP")
        for line in lines:
            if line.startswith("  "):
                out.append(".nf")
                out.append(roff(line))
                out.append(".fi")
            else:
                out.append(roff(line))


def command_section(command, path, out, top):
    """One command: abstract, usage, discussion and options; subcommands follow unless `top`."""
    name = " ".join(path)
    if not top:
        out.append(f".SS {roff(name)}")
    if command.get("abstract"):
        out.append(roff(command["abstract"]))
    usage = " ".join([name] + [synopsis(a) for a in command.get("arguments") or [] if a.get("shouldDisplay", True)])
    out.append(".PP")
    out.append(".B " + roff(usage))
    if command.get("discussion"):
        discussion(command["discussion"], out)
    describe_arguments(command.get("arguments") or [], out)
    if top:
        return
    for sub in command.get("subcommands") or []:
        if sub["commandName"] == "help" or not sub.get("shouldDisplay", True):
            continue
        command_section(sub, path + [sub["commandName"]], out, top=False)


def main():
    dump = json.load(sys.stdin)
    root = dump["command"]
    name = root["commandName"]
    out = [
        f'.TH {name.upper()} 1 "" "{name}" "User Commands"',
        ".nh",  # no hyphenation: option names must stay whole
        ".ad l",
        ".SH NAME",
        f"{name} \\- {roff(root.get('abstract') or '')}",
        ".SH SYNOPSIS",
        f".B {name}",
        "<subcommand> [options]",
        ".SH DESCRIPTION",
    ]
    command_section(root, [name], out, top=True)
    subs = [s for s in root.get("subcommands") or [] if s["commandName"] != "help" and s.get("shouldDisplay", True)]
    if subs:
        out.append(".SH COMMANDS")
        for sub in subs:
            command_section(sub, [name, sub["commandName"]], out, top=False)
    out.append(".SH EXIT STATUS")
    out.append("0 success, 1 a signature did not verify, 2 bad usage or bad input (send: 3 when no attempt was answered).")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
