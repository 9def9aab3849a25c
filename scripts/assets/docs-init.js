// Starts Swagger UI on /docs (served from the Worker's assets: no third-party hosts).
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#api-reference",
  deepLinking: true,
  // The default validator badge calls validator.swagger.io.
  validatorUrl: null,
});
