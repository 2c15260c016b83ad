/* The Swagger UI's own words in Russian, for /api/v1/docs/ (the page is Russian, lang="ru").
   Swagger UI has no translations of its own: every text node (and a few labels) whose whole
   text is one of the UI's words is replaced as the UI renders it; nothing else is touched. */
"use strict";

(function () {
  const WORDS = {
    "Parameters": "Параметры",
    "No parameters": "Параметров нет",
    "Try it out": "Попробовать",
    "Try it out ": "Попробовать",
    "Cancel": "Отмена",
    "Execute": "Выполнить",
    "Clear": "Очистить",
    "Responses": "Ответы",
    "Response content type": "Тип содержимого ответа",
    "Code": "Код",
    "Description": "Описание",
    "Links": "Ссылки",
    "No links": "Ссылок нет",
    "Name": "Имя",
    "Schemas": "Схемы",
    "Models": "Модели",
    "Example Value": "Пример",
    "Example": "Пример",
    "Schema": "Схема",
    "Request body": "Тело запроса",
    "required": "обязательно",
    "Request URL": "Адрес запроса",
    "Request url": "Адрес запроса",
    "Server response": "Ответ сервера",
    "Response body": "Тело ответа",
    "Response headers": "Заголовки ответа",
    "Headers:": "Заголовки:",
    "Headers": "Заголовки",
    "Download": "Скачать",
    "Servers": "Серверы",
    "Authorize": "Войти",
    "Available authorizations": "Способы входа",
    "Close": "Закрыть",
    "Logout": "Выйти",
    "Value:": "Значение:",
    "Loading...": "Загрузка…",
    "Media type": "Тип содержимого",
    "Controls Accept header.": "Задаёт заголовок Accept.",
    "Controls": "Задаёт заголовок",
    "header.": "",
    "Undocumented": "Без описания",
    "Details": "Подробности",
    "Available values": "Допустимые значения",
    "Default value": "Значение по умолчанию",
    "Send empty value": "Отправить пустое значение",
    "Add string item": "Добавить строку",
    "Add item": "Добавить элемент",
    "Filter by tag": "Отбор по тегу",
    "Expand all": "Раскрыть все",
    "Collapse all": "Свернуть все",
    "Explore": "Открыть",
    "(query)": "(в запросе)",
    "(path)": "(в пути)",
    "(header)": "(в заголовке)",
    "(cookie)": "(в cookie)",
    "Extensions": "Расширения",
    "Callbacks": "Обратные вызовы",
    "No callbacks": "Обратных вызовов нет",
    "Reset": "Сбросить",
    "Edit Value": "Изменить",
    "Copy to clipboard": "Копировать",
  };
  const ATTRIBUTES = ["aria-label", "title", "placeholder"];

  function translateText(node) {
    const text = node.nodeValue;
    const word = WORDS[text] || WORDS[text.trim()];
    if (word !== undefined && text !== word) {
      node.nodeValue = text.replace(text.trim(), word);
    }
  }

  function translateAttributes(element) {
    for (const name of ATTRIBUTES) {
      const value = element.getAttribute(name);
      if (value && WORDS[value.trim()] !== undefined) {
        element.setAttribute(name, WORDS[value.trim()]);
      }
    }
  }

  // A node and everything under it, once each (no recursion).
  function translateNode(node) {
    if (node.nodeType === Node.TEXT_NODE) {
      translateText(node);
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) {
      return;
    }
    translateAttributes(node);
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let current = walker.nextNode(); current; current = walker.nextNode()) {
      if (current.nodeType === Node.TEXT_NODE) {
        translateText(current);
      } else {
        translateAttributes(current);
      }
    }
  }

  // The UI's parts outside its <main> (the title, the sign-in, the schemas) become named
  // landmarks, and an h2 goes before the operations' h3 headings (after the title's h1).
  const LANDMARKS = {
    ".information-container": "Описание API",
    ".scheme-container": "Вход",
    "section.models": "Схемы данных",
  };

  function landmarks(root) {
    for (const [selector, name] of Object.entries(LANDMARKS)) {
      root.querySelectorAll(selector).forEach(function (element) {
        if (!element.getAttribute("role")) {
          element.setAttribute("role", "region");
          element.setAttribute("aria-label", name);
        }
      });
    }
    const operations = root.querySelector("#operations");
    if (operations && !operations.querySelector("h2.operations-heading")) {
      const heading = document.createElement("h2");
      heading.className = "operations-heading visually-hidden";
      heading.textContent = "Операции";
      operations.insertBefore(heading, operations.firstChild);
    }
  }

  function start() {
    const root = document.getElementById("swagger-ui");
    if (!root) {
      return;
    }
    new MutationObserver(function (mutations) {
      landmarks(root);
      for (const mutation of mutations) {
        if (mutation.type === "characterData") {
          translateNode(mutation.target);
        } else {
          mutation.addedNodes.forEach(translateNode);
          if (mutation.type === "attributes") {
            translateNode(mutation.target);
          }
        }
      }
    }).observe(root, {
      childList: true,
      subtree: true,
      characterData: true,
      attributes: true,
      attributeFilter: ATTRIBUTES,
    });
    translateNode(root);
    landmarks(root);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
