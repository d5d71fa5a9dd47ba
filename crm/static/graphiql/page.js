/* Mounts GraphiQL (the vendored UMD bundle: globals React, ReactDOM, GraphiQL) against the
 * endpoint that served the page. Every operation, the schema introspection included, is a
 * JSON POST carrying "Authorization: Bearer <key>" from the key box, which is kept in
 * localStorage. The page's Content-Security-Policy allows no inline script: the settings
 * come from the JSON block #graphiql-config. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("graphiql-config").textContent);
  var KEY_ITEM = "crm:graphiql:api-key";
  var input = document.getElementById("crm-api-key");
  var forget = document.getElementById("crm-api-key-forget");

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

  // GraphiQL's own state (tabs, history) per endpoint, so /graphql and /metadata keep apart.
  var storage = {
    getItem: function (name) {
      return read(config.storagePrefix + name);
    },
    setItem: function (name, value) {
      write(config.storagePrefix + name, value);
    },
    removeItem: function (name) {
      write(config.storagePrefix + name, null);
    },
    clear: function () {
      ownKeys().forEach(function (name) {
        write(name, null);
      });
    },
    get length() {
      return ownKeys().length;
    },
  };

  function ownKeys() {
    var names = [];
    try {
      for (var i = 0; i < window.localStorage.length; i++) {
        var name = window.localStorage.key(i);
        if (name && name.indexOf(config.storagePrefix) === 0) {
          names.push(name);
        }
      }
    } catch (error) {
      /* storage disabled */
    }
    return names;
  }

  function hasAuthorization(headers) {
    return Object.keys(headers).some(function (name) {
      return name.toLowerCase() === "authorization";
    });
  }

  function makeFetcher() {
    return function fetcher(params, options) {
      // Headers typed into GraphiQL's headers editor win over the key box.
      var headers = Object.assign({}, (options && options.headers) || {});
      var key = input.value.trim();
      if (!hasAuthorization(headers)) {
        if (!key) {
          return Promise.resolve({
            errors: [{ message: "Enter an API key or access token in the box above." }],
          });
        }
        headers.Authorization = "Bearer " + key;
      }
      headers["Content-Type"] = "application/json";
      headers.Accept = "application/json";
      return fetch(config.endpoint, {
        method: "POST",
        headers: headers,
        body: JSON.stringify(params),
        credentials: "omit",
      }).then(function (response) {
        return response.text().then(function (text) {
          try {
            return JSON.parse(text);
          } catch (error) {
            return { errors: [{ message: "HTTP " + response.status + ": " + text.slice(0, 500) }] };
          }
        });
      });
    };
  }

  var root = ReactDOM.createRoot(document.getElementById("graphiql"));

  // A new fetcher makes GraphiQL introspect the schema again (with the new key).
  function render() {
    root.render(
      React.createElement(GraphiQL, {
        fetcher: makeFetcher(),
        defaultQuery: config.defaultQuery,
        storage: storage,
      })
    );
  }

  var pending = null;
  input.value = read(KEY_ITEM) || "";
  input.addEventListener("input", function () {
    write(KEY_ITEM, input.value.trim());
    window.clearTimeout(pending);
    pending = window.setTimeout(render, 400);
  });
  forget.addEventListener("click", function () {
    input.value = "";
    write(KEY_ITEM, null);
    render();
  });

  render();
})();
