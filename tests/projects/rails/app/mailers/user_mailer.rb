class UserMailer < ApplicationMailer
  def welcome(user)
    @user = user
    mail(to: @user.email, subject: "Your Trailhead account is ready")
  end

  def password_reset(user, token)
    @user = user
    @reset_url = edit_password_reset_url(token)
    mail(to: @user.email, subject: "Reset your Trailhead password")
  end
end
