/** @type {import('prettier').Config} */

// Same as OCA's oca-addons-repo-template for Odoo >= 18.0 (prettier 3.3.3 and
// @prettier/plugin-xml 3.4.1 there). `PRETTIER=1 bin/test` runs it; by hand:
//   npm install --no-save --prefix /tmp/prettier prettier@3.3.3 @prettier/plugin-xml@3.4.1
//   NODE_PATH=/tmp/prettier/node_modules /tmp/prettier/node_modules/.bin/prettier \
//     --check "**/*.{xml,js,scss,css,yml,yaml}"
const config = {
  // https://github.com/prettier/prettier/issues/15388#issuecomment-1717746872
  plugins: [require.resolve("@prettier/plugin-xml")],
  bracketSpacing: false,
  printWidth: 88,
  proseWrap: "always",
  semi: true,
  trailingComma: "es5",
  xmlWhitespaceSensitivity: "preserve",
};

module.exports = config;
