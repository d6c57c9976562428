class NewsletterMailer < ApplicationMailer
  def weekly(subscription, issue)
    @subscription = subscription
    @issue = issue
    headers["List-Unsubscribe"] = "<#{unsubscribe_url(token: subscription.token)}>"
    headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail(to: subscription.email, subject: "The Weekly Grind: #{issue.title}")
  end
end
