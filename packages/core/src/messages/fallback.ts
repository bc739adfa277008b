import type { Button, ListSection, OutboundContent } from '../types.js';

/** One numbered choice of a text menu. */
export interface MenuOption {
  n: number;
  id: string;
  title: string;
}

/** A menu sent as text, remembered per chat so a numeric reply can be mapped back to its id. */
export interface TextMenu {
  kind: 'button_reply' | 'list_reply';
  options: MenuOption[];
  /** Milliseconds since the epoch. */
  sentAt: number;
}

/** Menus older than this no longer map replies (a "2" a week later is just a "2"). */
export const MENU_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Renders buttons as text: reply buttons become numbered options, URL and call buttons become lines
 * with their link or number. Returns the text and the menu to remember (null when nothing is choosable).
 */
export function buttonsAsText(
  content: { text: string; footer?: string; buttons: Button[] },
  now: number,
): { text: string; menu: TextMenu | null } {
  const lines = [content.text, ''];
  const options: MenuOption[] = [];
  for (const b of content.buttons) {
    if (b.type === 'replyButton') {
      const n = options.length + 1;
      options.push({ n, id: b.id, title: b.title });
      lines.push(`${n}. ${b.title}`);
    } else {
      lines.push(`${b.type === 'urlButton' ? '🔗' : '📞'} ${b.title}: ${b.payload ?? ''}`);
    }
  }
  if (content.footer) lines.push('', content.footer);
  if (options.length) lines.push('', 'Reply with a number.');
  return {
    text: lines.join('\n'),
    menu: options.length ? { kind: 'button_reply', options, sentAt: now } : null,
  };
}

export function listAsText(
  content: { text: string; title?: string; footer?: string; sections: ListSection[] },
  now: number,
): { text: string; menu: TextMenu } {
  const lines: string[] = [];
  if (content.title) lines.push(`*${content.title}*`);
  lines.push(content.text);
  const options: MenuOption[] = [];
  for (const section of content.sections) {
    lines.push('');
    if (section.title) lines.push(`*${section.title}*`);
    for (const row of section.rows) {
      const n = options.length + 1;
      options.push({ n, id: row.rowId, title: row.title });
      lines.push(row.description ? `${n}. ${row.title} — ${row.description}` : `${n}. ${row.title}`);
    }
  }
  if (content.footer) lines.push('', content.footer);
  lines.push('', 'Reply with a number.');
  return { text: lines.join('\n'), menu: { kind: 'list_reply', options, sentAt: now } };
}

/** Turns interactive content into its text form; other content is returned as it is. */
export function toTextFallback(
  content: OutboundContent,
  now: number,
): { content: OutboundContent; menu: TextMenu | null } {
  if (content.type === 'buttons') {
    const { text, menu } = buttonsAsText(content, now);
    if (content.media) {
      const { type, media, mimetype } = content.media;
      const mt = mimetype ? { mimetype } : {};
      if (type === 'document')
        return { content: { type, media, filename: 'file', caption: text, ...mt }, menu };
      return { content: { type, media, caption: text, ...mt }, menu };
    }
    return { content: { type: 'text', text }, menu };
  }
  if (content.type === 'list') {
    const { text, menu } = listAsText(content, now);
    return { content: { type: 'text', text }, menu };
  }
  return { content, menu: null };
}

/**
 * Maps a reply to a remembered menu: "2", "2.", " 2 " or the option's exact title (any case) pick an
 * option. Returns null when the reply is not a choice or the menu has expired.
 */
export function matchMenuReply(menu: TextMenu, text: string, now: number): MenuOption | null {
  if (now - menu.sentAt > MENU_TTL_MS) return null;
  const t = text.trim();
  const num = /^(\d{1,3})[.)]?$/.exec(t);
  if (num) return menu.options.find((o) => o.n === Number(num[1])) ?? null;
  const lower = t.toLowerCase();
  return menu.options.find((o) => o.title.toLowerCase() === lower) ?? null;
}
