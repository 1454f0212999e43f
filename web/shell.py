"""The one HTML page the browser loads: styles, a container, and a small inline script.

The page carries no data. Its script takes the credential (Telegram's ``tgWebAppData``
from the address's fragment, as Telegram passes it to a Mini App, or the browser session a
link opened), keeps it in sessionStorage, and fetches each view from
``/workbench/view/...`` with ``Authorization: tma <initData>`` (or ``wbs <token>``). No
script from telegram.org or a CDN: what Telegram's own script would do here (read the
fragment, say "ready") is these few lines. Script and style run under a per-response nonce
(Content-Security-Policy), so no other script can run in the page.
"""

from __future__ import annotations

import json
from html import escape

from locales import t

__all__ = ["shell", "FONT"]

#: The CJK font the bot serves (web/app.py) to a browser with no Chinese font of its own.
FONT = "/workbench/font/cjk.otf"

# "WB CJK" comes after the fonts a phone or desk has by name, and its own sources try the
# same fonts by their unique names (Android's Noto CJK answers only to those) before the
# file: a device with a Chinese font downloads nothing; one without (a bare Linux, a
# headless Chromium) gets the project's Noto Sans CJK SC instead of empty squares.
_CSS = """
@font-face{font-family:"WB CJK";font-display:swap;src:local("Noto Sans CJK SC"),local("Noto Sans CJK SC Regular"),
local("NotoSansCJKsc-Regular"),local("Source Han Sans SC"),local("PingFang SC"),local("Microsoft YaHei"),
url(""" + FONT + """) format("opentype");unicode-range:U+2E80-2FDF,U+3000-30FF,U+3100-312F,U+31C0-31EF,U+3200-4DBF,
U+4E00-9FFF,U+F900-FAFF,U+FE30-FE4F,U+FF00-FFEF,U+20000-2FA1F}
:root{--fg:#1f2328;--muted:#656d76;--bg:#fff;--card:#f6f8fa;--accent:#2481cc;--bad:#cf222e;--ok:#1a7f37}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 -apple-system,BlinkMacSystemFont,"PingFang SC","Hiragino Sans GB",
"Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WB CJK",sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1100px;margin:0 auto;padding:12px}h1{font-size:1.3em;margin:.4em 0}h2{font-size:1.1em;margin:1.2em 0 .4em}
.sub,.note,.cite{color:var(--muted);font-size:.9em}.tiles{display:grid;grid-template-columns:repeat(2,1fr);gap:8px}
@media(min-width:700px){.tiles{grid-template-columns:repeat(4,1fr)}}
.tile{background:var(--card);border-radius:8px;padding:8px 10px}.tile .label{font-size:.85em;color:var(--muted)}
.tile .value{font-size:1.6em;font-weight:600}a{color:var(--accent);text-decoration:none}a.tile-link{display:block}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{text-align:left;padding:5px 6px;border-bottom:1px solid #d0d7de;vertical-align:top}th{white-space:nowrap}
svg.chart{width:100%;height:auto;max-height:260px}svg .bar{fill:#9ecbf0}svg .line{stroke:var(--accent);stroke-width:2}
svg .axis{stroke:#8c959f}svg text{font-size:13px;fill:var(--muted)}svg text.legend{font-size:15px}
@media(max-width:600px){table{font-size:.86em}th,td{padding:5px 3px}th{white-space:normal;font-size:.9em}
svg.chart text{font-size:20px}svg.chart text.legend{font-size:22px}
svg.chart text.alt{display:none}}
table.dated td:first-child,table.specialists td:first-child,table.districts td:first-child{white-space:nowrap}
table.visits td:last-child,table.list td:last-child{white-space:pre-line}
svg .bar-key{fill:#9ecbf0}svg .line-key{fill:var(--accent)}
svg.progress{width:100%;height:10px}svg .track{fill:#d0d7de}svg .fill{fill:var(--ok)}
ul.results{padding-left:1.1em}li.result{margin:.4em 0}li.eligible .status{color:var(--ok)}
li.not_eligible .status{color:var(--bad)}.ended{color:var(--muted)}.refused{color:var(--bad)}
details.ended-results summary{cursor:pointer;color:var(--muted);margin:.6em 0}
nav.back{max-width:1100px;margin:0 auto;padding:0 12px}nav.back button{margin-top:10px;border:0;background:none;
color:var(--accent);padding:0;cursor:pointer}nav.back button[hidden]{display:none}form.pick{display:inline}
input{font:inherit;padding:2px 4px}button{font:inherit}
"""

_SCRIPT = """
(function(){
var root=document.getElementById('app'),msg=JSON.parse(document.getElementById('wb-msg').textContent);
var hash=new URLSearchParams(location.hash.slice(1)),init=hash.get('tgWebAppData'),
    sess=document.body.getAttribute('data-session'),auth=null,lang='zh';
if(init){auth='tma '+init;}else if(sess){auth='wbs '+sess;}else{auth=sessionStorage.getItem('wb-auth');}
if(auth){sessionStorage.setItem('wb-auth',auth);}
try{var raw=(auth||'').slice(4),u=JSON.parse(new URLSearchParams(raw).get('user')||'{}');
    if(String(u.language_code||'').toLowerCase().indexOf('en')===0){lang='en';}}catch(e){}
if(sess||init){history.replaceState(null,'',location.pathname.replace(/\\/b\\/[^\\/]*$/,'')+location.search);}
var back=document.getElementById('wb-back');back.textContent=(msg[lang]||msg.zh).back;
function pushed(){return !!(history.state&&history.state.view);}
back.addEventListener('click',function(){if(pushed()){history.back();}else{show(home,true);}});
function said(status){root.setAttribute('data-status',String(status));
  back.hidden=!pushed()&&start.split('?')[0]===home;}
function refuse(status){var p=document.createElement('p');p.className='refused';
  p.textContent=(msg[lang]||msg.zh)[String(status)]||(msg[lang]||msg.zh).other;root.replaceChildren(p);said(status);}
function show(path,push){
  root.setAttribute('data-status','loading');
  fetch(path,{headers:{'Authorization':auth||''},credentials:'omit'}).then(function(r){
    if(!r.ok){refuse(r.status);return;}
    return r.text().then(function(html){root.innerHTML=html;root.setAttribute('data-view',path);
      if(push){history.pushState({view:path},'');}window.scrollTo(0,0);said(200);});
  }).catch(function(){refuse('network');});}
function download(path,name){
  fetch(path,{headers:{'Authorization':auth||''},credentials:'omit'}).then(function(r){
    if(!r.ok){refuse(r.status);return;}
    return r.blob().then(function(b){var a=document.createElement('a');a.href=URL.createObjectURL(b);
      a.download=name;document.body.appendChild(a);a.click();a.remove();});});}
document.addEventListener('click',function(ev){
  var a=ev.target.closest('a[data-view],a[data-download]');if(!a){return;}ev.preventDefault();
  if(a.hasAttribute('data-view')){show(a.getAttribute('data-view'),true);}
  else{download(a.getAttribute('data-download'),a.getAttribute('data-filename')||'roster.xlsx');}});
document.addEventListener('submit',function(ev){
  var f=ev.target.closest('form[data-view-form]');if(!f){return;}ev.preventDefault();
  show(f.getAttribute('data-view-form')+'?'+new URLSearchParams(new FormData(f)).toString(),true);});
window.addEventListener('popstate',function(ev){show(ev.state&&ev.state.view||start,false);});
var start=document.body.getAttribute('data-start')+location.search,home=start.replace(/\\/view\\/.*$/,'/view/home');
try{if(window.TelegramWebviewProxy){window.TelegramWebviewProxy.postEvent('web_app_ready','{}');}
    else if(window.parent!==window){window.parent.postMessage(JSON.stringify({eventType:'web_app_ready',eventData:{}}),'*');}}catch(e){}
if(!auth){refuse(401);}else{show(start,false);}
})();
"""


def _messages() -> dict[str, dict[str, str]]:
    return {lang: {"401": t("wb_refused_401", lang), "403": t("wb_refused_403", lang),
                   "400": t("wb_refused_400", lang), "other": t("wb_refused_other", lang),
                   "back": t("wb_back", lang)} for lang in ("zh", "en")}


def shell(nonce: str, start: str, session: str | None = None) -> str:
    """The page: `start` is the first view's path; `session` a browser session's token."""
    messages = json.dumps(_messages(), ensure_ascii=False).replace("<", "\\u003c")
    session_attr = f' data-session="{escape(session)}"' if session else ""
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1,viewport-fit=cover">'
            f'<meta name="referrer" content="no-referrer"><title>{t("wb_page_title", "zh")}</title>'
            f'<style nonce="{nonce}">{_CSS}</style></head>'
            f'<body data-start="{escape(start)}"{session_attr}>'
            f'<nav class="back"><button id="wb-back" type="button" hidden></button></nav><main id="app" data-status="loading">'
            f'<p class="sub">{t("wb_loading", "zh")}</p></main>'
            f'<script type="application/json" id="wb-msg">{messages}</script>'
            f'<script nonce="{nonce}">{_SCRIPT}</script></body></html>')
