/** Shell completion scripts, generated from the command table (main.ts): `globalmesh completion bash|zsh`. */

export interface CompletedCommand {
  name: string;
  /** Every flag, long form (`--spec`) and short form (`-o`). */
  flags: string[];
}

/** Flags whose value is one of a few words. */
export const FLAG_VALUES: Readonly<Record<string, readonly string[]>> = {
  "--output": ["text", "json"],
  "-o": ["text", "json"],
  "--layout": ["files", "kustomize"],
};

export const SHELLS = ["bash", "zsh"] as const;

/** bash: `source <(globalmesh completion bash)`; zsh: `source <(globalmesh completion zsh)` (through bashcompinit). */
export function completionScript(shell: (typeof SHELLS)[number], commands: readonly CompletedCommand[]): string {
  const names = commands.map((c) => c.name).join(" ");
  const values = Object.entries(FLAG_VALUES)
    .map(([flag, words]) => `    ${flag}) COMPREPLY=( $(compgen -W "${words.join(" ")}" -- "$cur") ); return ;;`)
    .join("\n");
  const perCommand = commands
    .filter((c) => c.flags.length > 0)
    .map((c) => `    ${c.name}) opts="${c.flags.join(" ")}" ;;`)
    .join("\n");
  const bash = `_globalmesh() {
  local cur prev cmd opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd="\${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${names} --help --version" -- "$cur") ); return
  fi
  case "$prev" in
${values}
  esac
  case "$cmd" in
${perCommand}
    completion) COMPREPLY=( $(compgen -W "bash zsh" -- "$cur") ); return ;;
    help) COMPREPLY=( $(compgen -W "${names}" -- "$cur") ); return ;;
    *) opts="" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
  else
    COMPREPLY=( $(compgen -f -- "$cur") )
  fi
}
complete -o default -F _globalmesh globalmesh
`;
  if (shell === "bash") return `# globalmesh completion for bash: source <(globalmesh completion bash)\n${bash}`;
  return `#compdef globalmesh
# globalmesh completion for zsh: source <(globalmesh completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bash}`;
}
