/* Mounts Swagger UI (the vendored bundle: global SwaggerUIBundle) on the OpenAPI document the
 * select box names. The document and every "Try it out" request carry
 * "Authorization: Bearer <key>" from the key box, which is kept in localStorage. The page's
 * Content-Security-Policy allows no inline script: the settings come from the JSON block
 * #api-docs-config. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("api-docs-config").textContent);
  var KEY_ITEM = "crm:api-docs:api-key";
  var DOC_ITEM = "crm:api-docs:document";
  var input = document.getElementById("crm-api-key");
  var forget = document.getElementById("crm-api-key-forget");
  var select = document.getElementById("crm-api-document");
  var root = document.getElementById("swagger-ui");

  function read(name) {
    try {
      return window.localStorage.getItem(name);
    } catch (error) {
      return null; // storage disabled: the page still works for this visit
    }
  }

  function write(name, value) {
    try {
      if (value) {
        window.localStorage.setItem(name, value);
      } else {
        window.localStorage.removeItem(name);
      }
    } catch (error) {
      /* storage disabled */
    }
  }

  function hint(text) {
    root.textContent = "";
    var p = document.createElement("p");
    p.className = "crm-api-docs-hint";
    p.textContent = text;
    root.appendChild(p);
  }

  function render() {
    var key = input.value.trim();
    if (!key) {
      hint("Enter an API key or access token above to load this workspace's API.");
      return;
    }
    root.textContent = "";
    window.ui = SwaggerUIBundle({
      url: config.documents[select.value],
      domNode: root,
      presets: [SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
      deepLinking: false,
      docExpansion: "none", // one tag per object: open the one you need
      defaultModelsExpandDepth: -1, // schemas show inside each operation
      filter: true, // a box that filters the tags
      validatorUrl: null, // the default validator is a web service: nothing leaves this host
      tryItOutEnabled: true,
      requestInterceptor: function (request) {
        var headers = request.headers || (request.headers = {});
        var own = Object.keys(headers).some(function (name) {
          return name.toLowerCase() === "authorization";
        });
        if (!own) {
          headers.Authorization = "Bearer " + input.value.trim();
        }
        request.credentials = "omit";
        return request;
      },
    });
  }

  input.value = read(KEY_ITEM) || "";
  var saved = read(DOC_ITEM);
  if (saved && Object.prototype.hasOwnProperty.call(config.documents, saved)) {
    select.value = saved;
  }

  var pending = null;
  input.addEventListener("input", function () {
    write(KEY_ITEM, input.value.trim());
    window.clearTimeout(pending);
    pending = window.setTimeout(render, 400);
  });
  select.addEventListener("change", function () {
    write(DOC_ITEM, select.value);
    render();
  });
  forget.addEventListener("click", function () {
    input.value = "";
    write(KEY_ITEM, null);
    render();
  });

  render();
})();
