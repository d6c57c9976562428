"""Sends localised mail: templates/email/<lang>/<name>.html.j2 with <name>.txt.j2 as the text
part, falling back to the shared English templates in templates/email/."""

from flask import render_template
from flask_mail import Message

from . import mail


def send(name, lang, recipient, subject, **context):
    html = render_template([f"email/{lang}/{name}.html.j2", f"email/{name}.html.j2"], **context)
    text = render_template([f"email/{lang}/{name}.txt.j2", f"email/{name}.txt.j2"], **context)
    mail.send(Message(subject, recipients=[recipient], html=html, body=text))
