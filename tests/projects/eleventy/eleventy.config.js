// Builds the campaign templates we paste into Mailchimp. Mailchimp's own merge tags
// (*|FNAME|*, *|UNSUB|*) pass through Nunjucks untouched.
export default function (eleventyConfig) {
  return {
    dir: { input: "src", includes: "_includes", output: "_site" },
    htmlTemplateEngine: "njk",
  };
}
