// Starts `inboxlint lsp` for the workspace: diagnostics, quick fixes and hover come from the
// server, so this file only finds the binary and hands the files inboxlint reads to it.
import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import {
  Executable,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

// The file kinds inboxlint lints (src/workspace/kind.rs), by extension, whatever language
// mode another extension gives them.
const PATTERN =
  "**/*.{html,htm,hbs,handlebars,mustache,liquid,j2,jinja,jinja2,njk,twig,tmpl,gohtml,erb,ejs,mjml,yaml,yml,json,toml,ini,cnf,env,sql,prisma}";

let client: LanguageClient | undefined;

/** The binary: the `inboxlint.path` setting, else one bundled in `bin/`, else PATH. */
export function resolveBinary(setting: string, extensionDir: string, platform: string): string {
  if (setting.trim() !== "") return setting.trim();
  const bundled = path.join(extensionDir, "bin", platform === "win32" ? "inboxlint.exe" : "inboxlint");
  if (fs.existsSync(bundled)) return bundled;
  return "inboxlint";
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration("inboxlint");
  const command = resolveBinary(config.get<string>("path", ""), context.extensionPath, process.platform);
  const run: Executable = { command, args: ["lsp"] };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", pattern: PATTERN },
      { scheme: "file", pattern: "**/.env" },
      { scheme: "file", pattern: "**/.env.*" },
      { scheme: "untitled", language: "html" },
    ],
    synchronize: {
      // The server reloads when a config or rule file changes.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{.inboxlint.yaml,inboxlint.yaml,.config/inboxlint.yaml}"),
    },
  };
  client = new LanguageClient("inboxlint", "inboxlint", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(
      `inboxlint: cannot start \`${command} lsp\` (${message}). Install inboxlint ` +
        "(pip install inboxlint, npm install -g inboxlint or cargo install inboxlint) or set `inboxlint.path`."
    );
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("inboxlint.restart", async () => {
      await client?.stop();
      await start(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("inboxlint.path")) {
        await client?.stop();
        await start(context);
      }
    })
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
