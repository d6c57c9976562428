// Registers every file under emails/partials as a partial named after the file, the way
// most Handlebars mailers do, then renders one template with its text part.
const fs = require("node:fs");
const path = require("node:path");
const Handlebars = require("handlebars");

const root = path.join(__dirname, "..", "emails");
const partials = path.join(root, "partials");
for (const file of fs.readdirSync(partials)) {
  const name = path.basename(file, ".hbs");
  Handlebars.registerPartial(name, fs.readFileSync(path.join(partials, file), "utf8"));
}

function render(name, data) {
  const html = Handlebars.compile(fs.readFileSync(path.join(root, `${name}.hbs`), "utf8"))(data);
  const txtPath = path.join(root, `${name}.txt`);
  const text = fs.existsSync(txtPath)
    ? Handlebars.compile(fs.readFileSync(txtPath, "utf8"))(data)
    : undefined;
  return { html, text };
}

module.exports = { render };
