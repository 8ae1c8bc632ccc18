/**
 * zod/mini loads no locale, so every issue would read "Invalid input". Imported (for its side effect) by each
 * module that turns issues into text, so 400 bodies, settings and reply errors keep naming the problem.
 */
import * as z from "zod/mini";
import { en } from "zod/locales";

// zod's own English locale: +2.7 KB minified per bundle; a hand-written formatter for our issue codes measured 1.0 KB, not worth a copy of zod's wording to maintain.
z.config(en());
